using System.Net;
using System.Net.Sockets;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// A TCP relay on 127.0.0.1 port 0 to a real server, that can be paused: while paused no byte moves either way and new
/// connections are accepted by the kernel but get no answer — what a hung or unreachable database server looks like to
/// its clients (the connections stay open; nothing fails, nothing answers). <see cref="Resume"/> lets everything through.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private readonly Lock _gate = new();
    private TaskCompletionSource _running = NewGate(open: true);

    public TcpRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The relay's own address.</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    private Task Running
    {
        get
        {
            lock (_gate)
            {
                return _running.Task;
            }
        }
    }

    public void Pause()
    {
        lock (_gate)
        {
            if (_running.Task.IsCompleted)
            {
                _running = NewGate(open: false);
            }
        }
    }

    public void Resume()
    {
        lock (_gate)
        {
            _running.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Resume();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
        }

        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.SetResult();
        }

        return gate;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        lock (_connections)
        {
            _connections.Add(client);
            _connections.Add(server);
        }

        try
        {
            await Running.WaitAsync(_stop.Token); // paused: the client waits for the server's first word
            await server.ConnectAsync(_target, _stop.Token);
            await Task.WhenAny(PumpAsync(client.GetStream(), server.GetStream()), PumpAsync(server.GetStream(), client.GetStream()));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // one side closed, or the relay stops
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await Running.WaitAsync(_stop.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
