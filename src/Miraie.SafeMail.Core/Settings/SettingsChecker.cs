using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Miraie.SafeMail.Core.Settings;

/// <summary>
/// Checks a configuration section against the options type it binds to, before binding. The configuration binder
/// silently keeps the default when a value does not convert (<c>"Action": "Quarantin"</c> would become Pass) and its
/// unknown-key error does not say where; here every misspelt key and unconvertible value is named by its full path.
/// </summary>
public static class SettingsChecker
{
    /// <summary>Every problem in <paramref name="section"/> for binding to <paramref name="type"/>, one line each.</summary>
    public static IReadOnlyList<string> Check(IConfigurationSection section, Type type)
    {
        var errors = new List<string>();
        if (section.Exists())
        {
            CheckNode(section, type, errors);
        }

        return errors;
    }

    /// <summary>Checks, then binds into a new <typeparamref name="T"/>; throws <see cref="SettingsException"/> listing every problem.</summary>
    public static T Bind<T>(IConfigurationSection section)
        where T : new()
    {
        var errors = Check(section, typeof(T));
        if (errors.Count > 0)
        {
            throw new SettingsException(errors);
        }

        var options = new T();
        ClearConfiguredCollections(options, section);
        section.Bind(options);
        return options;
    }

    /// <summary>
    /// The binder appends configured list items to a list's defaults (<c>TrustedNetworks</c> would keep the loopback
    /// defaults beside the configured networks). A collection the configuration sets is emptied first: it replaces.
    /// </summary>
    private static void ClearConfiguredCollections(object target, IConfigurationSection section)
    {
        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var child = section.GetSection(property.Name);
            if (!child.Exists() || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var value = property.GetValue(target);
            if (value is IList list && !list.IsFixedSize)
            {
                list.Clear();
            }
            else if (value is IDictionary dictionary)
            {
                dictionary.Clear();
            }
            else if (value is not null && !IsScalar(property.PropertyType) && value is not IEnumerable)
            {
                ClearConfiguredCollections(value, child);
            }
        }
    }

    private static void CheckNode(IConfigurationSection section, Type type, List<string> errors)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(target))
        {
            if (section.GetChildren().Any())
            {
                errors.Add(Message(section.Path, "値が1つであるべき設定に子の設定があります", "expected a single value, found nested settings"));
            }
            else if (section.Value is { Length: > 0 } value && !Converts(value, target))
            {
                errors.Add(Message(section.Path, $"「{value}」は {Describe(target)} として読めません", $"'{value}' is not a valid {Describe(target)}"));
            }

            return;
        }

        if (section.Value is { Length: > 0 } && !section.GetChildren().Any())
        {
            errors.Add(Message(section.Path, "入れ子の設定が必要です", "expected nested settings, found a single value"));
            return;
        }

        if (DictionaryValueType(target) is { } valueType)
        {
            foreach (var child in section.GetChildren())
            {
                CheckNode(child, valueType, errors);
            }

            return;
        }

        if (ListElementType(target) is { } elementType)
        {
            foreach (var child in section.GetChildren())
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add(Message(child.Path, "一覧の要素の番号が正しくありません", "list items must be numbered 0, 1, 2 …"));
                    continue;
                }

                CheckNode(child, elementType, errors);
            }

            return;
        }

        var properties = target.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite || !IsScalar(p.PropertyType))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                errors.Add(Message(child.Path, "不明な設定です（つづりを確認してください）", "unknown setting (check the spelling)"));
                continue;
            }

            CheckNode(child, property.PropertyType, errors);
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri) || Nullable.GetUnderlyingType(type) is not null;

    private static bool Converts(string value, Type type)
    {
        if (type.IsEnum)
        {
            // Names only: the binder would also take "7" and produce an undefined action.
            return !char.IsAsciiDigit(value.TrimStart('-')[0]) && Enum.TryParse(type, value, ignoreCase: true, out var parsed) && Enum.IsDefined(type, parsed!);
        }

        if (type == typeof(string))
        {
            return true;
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _);
        }

        try
        {
            _ = System.ComponentModel.TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException
            || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => type.IsEnum
        ? string.Join(" | ", Enum.GetNames(type))
        : type == typeof(bool) ? "true | false"
        : type == typeof(TimeSpan) ? "hh:mm:ss"
        : type == typeof(int) || type == typeof(long) ? "integer"
        : type.Name;

    private static Type? DictionaryValueType(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() is var d
        && (d == typeof(Dictionary<,>) || d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
        ? type.GetGenericArguments()[1]
        : null;

    private static Type? ListElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0] : null;
    }

    private static string Message(string path, string ja, string en) => $"{path}: {ja} / {en}";
}
