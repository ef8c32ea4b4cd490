using System.Globalization;
using Miraie.SafeMail.Core.Protection;

namespace Miraie.SafeMail.Benchmarks;

/// <summary>
/// Command line of the harness:
/// <c>protect IN... -o OUT [--password P] [--zipcrypto] [--level 1-9] [--non-seekable]</c>,
/// <c>gen-random BYTES OUT</c>, <c>gen-text BYTES OUT</c>.
/// </summary>
internal static class BenchCommand
{
    private const string Usage = """
        usage: safemail-bench protect IN... -o OUT [--password P] [--zipcrypto] [--level 1-9] [--non-seekable]
               safemail-bench gen-random BYTES OUT     deterministic incompressible bytes
               safemail-bench gen-text BYTES OUT       deterministic Japanese/English CSV-like text
        """;

    internal static int Run(string[] args)
    {
        try
        {
            return args.FirstOrDefault() switch
            {
                "protect" => Protect(args[1..]),
                "gen-random" when args.Length == 3 => Generate(args[2], long.Parse(args[1], CultureInfo.InvariantCulture), InputGenerators.WriteRandom),
                "gen-text" when args.Length == 3 => Generate(args[2], long.Parse(args[1], CultureInfo.InvariantCulture), InputGenerators.WriteText),
                _ => Fail(Usage),
            };
        }
        catch (ProtectionException e)
        {
            return Fail(e.UserMessage.ToString());
        }
    }

    private static int Protect(string[] args)
    {
        var inputs = new List<string>();
        string? output = null;
        string? password = null;
        var encryption = ZipEncryption.Aes256;
        var nonSeekable = false;
        var level = new ProtectedZipOptions().CompressionLevel;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-o" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--password" when i + 1 < args.Length:
                    password = args[++i];
                    break;
                case "--zipcrypto":
                    encryption = ZipEncryption.ZipCrypto;
                    break;
                case "--level" when i + 1 < args.Length:
                    level = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--non-seekable":
                    nonSeekable = true;
                    break;
                default:
                    inputs.Add(args[i]);
                    break;
            }
        }

        if (output is null || inputs.Count == 0)
        {
            return Fail(Usage);
        }

        if (password is null)
        {
            password = PasswordGenerator.Generate();
            Console.Error.WriteLine($"password: {password}");
        }

        using var file = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        using var target = nonSeekable ? new ForwardOnlyStream(file) : (Stream)file;
        new ProtectedZipWriter(new ProtectedZipOptions { Encryption = encryption, CompressionLevel = level })
            .Write(target, password, inputs.Select(path => ProtectedZipInput.FromFile(path)));
        return 0;
    }

    private static int Generate(string path, long bytes, Action<Stream, long> write)
    {
        using var file = File.Create(path);
        write(file, bytes);
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
