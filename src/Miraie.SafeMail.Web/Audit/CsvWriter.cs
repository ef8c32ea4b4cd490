using System.Text;

namespace Miraie.SafeMail.Web.Audit;

/// <summary>
/// RFC 4180 CSV in UTF-8 with a byte order mark, which is what makes Excel in Japan read Japanese correctly.
/// Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading apostrophe.
/// </summary>
public sealed class CsvWriter(Stream stream) : IAsyncDisposable
{
    private readonly StreamWriter _writer = new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)) { NewLine = "\r\n" };

    /// <summary>Writes one row.</summary>
    public Task WriteRowAsync(params string?[] cells) =>
        _writer.WriteLineAsync(string.Join(',', cells.Select(Cell)));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _writer.FlushAsync();
        await _writer.DisposeAsync();
    }

    private static string Cell(string? value)
    {
        value ??= "";
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
