using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Miraie.SafeMail.Web.Tests.Support;

/// <summary>
/// Debian's nginx in the foreground with its own prefix, temporary folders and logs, serving the shipped example
/// <c>docs/deploy/nginx-safemail.conf</c> — the very file, with only its ports, certificate paths and the console's port
/// replaced — on free loopback ports. Runs as root (CI) or not.
/// </summary>
internal sealed class Nginx : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/nginx";
    private readonly Process _process;
    private readonly string _directory;

    private Nginx(Process process, string directory, IPEndPoint https, IPEndPoint http)
    {
        _process = process;
        _directory = directory;
        Https = https;
        Http = http;
    }

    /// <summary>Where nginx terminates TLS (the example's port 443).</summary>
    public IPEndPoint Https { get; }

    /// <summary>Where nginx redirects plain HTTP (the example's port 80).</summary>
    public IPEndPoint Http { get; }

    /// <summary>The host name the example serves.</summary>
    public const string ServerName = "safemail.example.co.jp";

    /// <summary>Starts nginx in front of the console listening on 127.0.0.1:<paramref name="consolePort"/>, with <paramref name="certificate"/>.</summary>
    public static async Task<Nginx> StartAsync(int consolePort, X509Certificate2 certificate)
    {
        File.Exists(Binary).Should().BeTrue("tests/apt-packages.txt installs Debian's nginx for the reverse-proxy test");
        var directory = Directory.CreateTempSubdirectory("safemail-nginx-").FullName;
        var certificatePath = Path.Combine(directory, "fullchain.pem");
        var keyPath = Path.Combine(directory, "privkey.pem");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var https = new IPEndPoint(IPAddress.Loopback, FreePort());
        var http = new IPEndPoint(IPAddress.Loopback, FreePort());
        var site = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "deploy", "nginx-safemail.conf"));
        // Each replaced text must be in the example exactly as often as expected: an edit that moves it fails here, loudly.
        site = Replace(site, "listen 443 ssl http2;", $"listen 127.0.0.1:{https.Port} ssl http2;", 1);
        site = Replace(site, "listen 80;", $"listen 127.0.0.1:{http.Port};", 1);
        site = Replace(site, "/etc/ssl/safemail/fullchain.pem", certificatePath, 1);
        site = Replace(site, "/etc/ssl/safemail/privkey.pem", keyPath, 1);
        site = Replace(site, "proxy_pass http://127.0.0.1:5080;", $"proxy_pass http://127.0.0.1:{consolePort};", 1);
        await File.WriteAllTextAsync(Path.Combine(directory, "safemail.conf"), site);

        // The main configuration Debian's /etc/nginx/nginx.conf would give, kept inside the test's folder. As root the
        // workers would switch to nobody, who cannot enter the private temporary folder: they stay root here.
        var user = Environment.UserName == "root" ? "user root root;" : "";
        await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), $$"""
            {{user}}
            daemon off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log info;
            events { worker_connections 64; }
            http {
                access_log {{directory}}/access.log;
                client_body_temp_path {{directory}}/client_body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                include {{directory}}/safemail.conf;
            }
            """);

        var start = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", directory + "/", "-c", Path.Combine(directory, "nginx.conf"), "-e", Path.Combine(directory, "error.log") })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var nginx = new Nginx(process, directory, https, http);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
            {
                var log = File.Exists(Path.Combine(directory, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "error.log")) : "";
                var stderr = await process.StandardError.ReadToEndAsync();
                await nginx.DisposeAsync();
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {stderr}\n{log}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(https);
                return nginx;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>What nginx logged (for a failing test's message).</summary>
    public string ErrorLog => File.Exists(Path.Combine(_directory, "error.log")) ? File.ReadAllText(Path.Combine(_directory, "error.log")) : "";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Replace(string text, string from, string to, int expected)
    {
        var count = (text.Length - text.Replace(from, "", StringComparison.Ordinal).Length) / from.Length;
        count.Should().Be(expected, $"docs/deploy/nginx-safemail.conf holds \"{from}\" {expected} time(s)");
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "Miraie.SafeMail.sln")))
        {
            dir = dir.Parent ?? throw new InvalidOperationException("repository root not found");
        }

        return dir.FullName;
    }
}
