using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// A policy as JSON in exactly the shape of the <c>SafeMail:Policy</c> settings section, so that what the console
/// stores, shows and diffs is what an admin would write in appsettings.json. Parsing goes through the same strict
/// binding and validation as the settings file: a misspelt key or a bad value is named by its full key.
/// </summary>
public static class PolicyJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // Japanese stays readable; shown as text, never as HTML
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OnlySettable } },
    };

    /// <summary>The policy as indented JSON (the value of <c>SafeMail:Policy</c>).</summary>
    public static string Serialize(PolicyOptions policy) => JsonSerializer.Serialize(policy, Options);

    /// <summary>
    /// Reads and validates a policy. Throws <see cref="SettingsException"/> with every problem, each naming its key
    /// (<c>SafeMail:Policy:Rules:0:Action: …</c>) or, for broken JSON, the line and position.
    /// </summary>
    public static PolicyOptions Parse(string json)
    {
        IConfiguration configuration;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SettingsException([$"{PolicyOptions.SectionName}: JSON のオブジェクト {{ … }} ではありません / not a JSON object {{ … }}"]);
            }

            var wrapped = "{\"SafeMail\":{\"Policy\":" + document.RootElement.GetRawText() + "}}";
            configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(wrapped))).Build();
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"{line + 1}行目 {e.BytePositionInLine + 1}文字目 / line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            throw new SettingsException([$"{PolicyOptions.SectionName}: JSON として読めません {where}: {e.Message}"]);
        }

        var policy = PolicyConfiguration.Bind(configuration);
        var errors = PolicyOptionsValidator.Check(policy);
        if (errors.Count > 0)
        {
            throw new SettingsException(errors);
        }

        return policy;
    }

    // Computed properties (RuleConditions.IsEmpty) are not settings: writing them would produce keys the strict binder refuses.
    // Empty lists and false flags are the defaults: left out, a rule reads as an admin would write it.
    private static void OnlySettable(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            var property = type.Properties[i];
            if (property.Set is null)
            {
                type.Properties.RemoveAt(i);
            }
            else if (property.PropertyType == typeof(bool) || typeof(System.Collections.ICollection).IsAssignableFrom(property.PropertyType))
            {
                property.ShouldSerialize = (_, value) => value is not (false or System.Collections.ICollection { Count: 0 });
            }
        }
    }
}
