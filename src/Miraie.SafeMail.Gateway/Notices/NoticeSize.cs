using System.Globalization;

namespace Miraie.SafeMail.Gateway.Notices;

/// <summary>A size as people read it in a notice: <c>820 B</c>, <c>12 KB</c>, <c>1.2 MB</c> (1024-based, as Windows Explorer shows it).</summary>
public static class NoticeSize
{
    /// <summary>The size of <paramref name="bytes"/>.</summary>
    public static string Of(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(bytes / 1024.0):0} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024:0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024 / 1024:0.0} GB"),
    };
}
