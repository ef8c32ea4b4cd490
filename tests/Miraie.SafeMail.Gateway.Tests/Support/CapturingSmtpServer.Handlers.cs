using System.Buffers;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using ServerResponse = SmtpServer.Protocol.SmtpResponse;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <content>The SmtpServer extension points the capturing server plugs in: listener, mailbox filter, message store.</content>
public sealed partial class CapturingSmtpServer
{
    private static readonly SmtpReply Accepted = SmtpReply.Parse("250 Ok");

    private static ConnectionState Connection(ISessionContext context) => (ConnectionState)context.Properties[ConnectionKey];

    private ConnectionState? OnConnected(ISessionContext context, ISecurableDuplexPipe pipe)
    {
        if (!_accepting)
        {
            return null;
        }

        ConnectionState connection;
        lock (_gate)
        {
            connection = new ConnectionState(_connections.Count + 1, pipe);
            _connections.Add(connection);
            SignalWaiters();
        }

        context.Properties[ConnectionKey] = connection;
        _open[connection] = 0;
        return connection;
    }

    private bool OnRecipient(ISessionContext context, IMailbox to, out SmtpReply reply)
    {
        var address = to.AsAddress() ?? string.Empty;
        lock (_gate)
        {
            reply = _recipientReplies.TryGetValue(address, out var scripted) ? scripted : Accepted;
            _recipientAttempts.Add(new RecipientAttempt(Connection(context).Number, address, reply));
            SignalWaiters();
        }

        return reply.IsPositive;
    }

    private SmtpReply OnData(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer)
    {
        // SmtpServer cuts the message before "\r\n.\r\n": the CRLF that ends the last line is put back here.
        var data = new byte[buffer.Length + 2];
        buffer.CopyTo(data);
        data[^2] = (byte)'\r';
        data[^1] = (byte)'\n';

        var connection = Connection(context);
        lock (_gate)
        {
            var reply = _dataReplies.Count > 0 ? _dataReplies.Dequeue() : _defaultDataReply;
            connection.Transactions++;
            _transactions.Add(new CapturedMessage(
                connection.Number,
                connection.Transactions,
                transaction.From?.AsAddress() ?? string.Empty,
                transaction.To.Select(t => t.AsAddress() ?? string.Empty).ToList(),
                new Dictionary<string, string>(transaction.Parameters ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase),
                data,
                context.Pipe.IsSecure,
                context.Authentication.IsAuthenticated ? context.Authentication.User : null,
                reply));
            SignalWaiters();
            return reply;
        }
    }

    private sealed class ConnectionState(int number, ISecurableDuplexPipe pipe)
    {
        public int Number { get; } = number;

        public ISecurableDuplexPipe Pipe { get; } = pipe;

        public int Transactions { get; set; }
    }

    private sealed class Store(CapturingSmtpServer owner) : MessageStore
    {
        public override Task<ServerResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var reply = owner.OnData(context, transaction, buffer);
            return Task.FromResult(new ServerResponse((SmtpReplyCode)reply.Code, reply.Text));
        }
    }

    private sealed class Filter(CapturingSmtpServer owner) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            if (owner.OnRecipient(context, to, out var reply))
            {
                return Task.FromResult(true);
            }

            // A filter can only say yes (250) or no (a fixed "550 mailbox unavailable"); any other reply has to be thrown.
            throw new SmtpResponseException(new ServerResponse((SmtpReplyCode)reply.Code, reply.Text));
        }
    }

    /// <summary>SmtpServer's own listener (same TcpListener and pipes as the gateway gets), wrapped to count connections.</summary>
    private sealed class ListenerFactory(CapturingSmtpServer owner) : EndpointListenerFactory
    {
        public override IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
            => new TrackingListener(base.CreateListener(endpointDefinition), owner);
    }

    private sealed class TrackingListener(IEndpointListener inner, CapturingSmtpServer owner) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var pipe = await inner.GetPipeAsync(context, cancellationToken);
            if (owner.OnConnected(context, pipe) is null)
            {
                pipe.Dispose();
                throw new OperationCanceledException("the capturing server is going down");
            }

            return pipe;
        }

        public void Dispose() => inner.Dispose();
    }
}
