using System.Net;
using System.Text;
using System.Threading.Channels;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Peers;
using Lantern.Sip.Auth;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transport;
using Lantern.Upstreams;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Upstreams;

/// <summary>A real <see cref="SipStack"/> with the upstreams and peers features on an in-memory transport: the test plays
/// the upstream server and the peers, reading what Lantern sends and injecting what they send.</summary>
internal sealed class SipGlueHarness : ISipTransportLayer, IAsyncDisposable
{
    public static readonly IPEndPoint Local = new(IPAddress.Parse("198.51.100.1"), 5060);
    public static readonly IPEndPoint Server = new(IPAddress.Parse("192.0.2.1"), 5099);

    private readonly Channel<SipMessage> _sent = Channel.CreateUnbounded<SipMessage>();
    private readonly MailboxService _mailboxes;

    private SipGlueHarness(MailboxService mailboxes)
    {
        _mailboxes = mailboxes;
        Stack = new SipStack(this, Time, new SipStackOptions { Shards = 2 }, NullLogger.Instance);
        var resolver = new UpstreamResolver(new FakeDnsLookup());
        Upstreams = new UpstreamsModule(new UpstreamSipClient(Stack, this, resolver), mailboxes, UpstreamBodies.TryParse, Time, NullLoggerFactory.Instance);
        Peers = new PeersModule(
            mailboxes,
            PeerBodies.TryParse,
            new DigestAuthenticator(new DigestServerOptions { Realm = "lantern.test", SecretKey = new byte[32] }, Time),
            Time,
            NullLoggerFactory.Instance);
        var peerHandler = new PeerSipHandler(Peers);
        Stack.RegisterHandler(SipMethod.Notify, new UpstreamNotifyHandler(Upstreams, peerHandler));
        Stack.RegisterHandler(SipMethod.Publish, peerHandler);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public SipStack Stack { get; }

    /// <summary>Where each request Lantern sent went.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<SipDestination> RequestDestinations { get; } = new();

    public UpstreamsModule Upstreams { get; }

    public PeersModule Peers { get; }

    public Mailbox? Find(string id) => _mailboxes.Find(MailboxId.Parse(id));

    public static async Task<SipGlueHarness> StartAsync(IReadOnlyList<UpstreamOptions> upstreams, IReadOnlyList<PeerOptions> peers)
    {
        var mailboxes = new MailboxService(new InMemoryMailboxRepository(), TimeProvider.System);
        await mailboxes.LoadAsync(CancellationToken.None);
        var h = new SipGlueHarness(mailboxes);
        await h.Peers.StartAsync(peers, CancellationToken.None);
        await h.Upstreams.StartAsync(upstreams, CancellationToken.None);
        return h;
    }

    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipDestination destination, CancellationToken cancellationToken)
    {
        Assert.True(SipMessageParser.TryParse(message.Span, SipLimits.Default, out var parsed, out var error), error.ToString());
        if (parsed!.IsRequest)
        {
            RequestDestinations.Enqueue(destination);
        }

        _sent.Writer.TryWrite(parsed);
        return ValueTask.FromResult(SipSendResult.Ok(0));
    }

    public SipSource LocalFor(SipDestination destination) => new(destination.Transport, destination.Remote, Local, 0);

    /// <summary>Injects a message as if <see cref="Server"/> (or <paramref name="from"/>) sent it.</summary>
    public void Receive(string text, IPEndPoint? from = null) =>
        Stack.OnMessage(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")), new SipSource(SipTransportKind.Udp, from ?? Server, Local, 0));

    public void Receive(SipMessageBuilder message, IPEndPoint? from = null) =>
        Stack.OnMessage(message.ToArray(), new SipSource(SipTransportKind.Udp, from ?? Server, Local, 0));

    /// <summary>The next message Lantern sent (5 s deadline).</summary>
    public async Task<SipMessage> NextAsync() => await _sent.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

    public async ValueTask DisposeAsync()
    {
        await Upstreams.DisposeAsync();
        await Peers.DisposeAsync();
        Stack.Dispose();
        _mailboxes.Dispose();
    }
}
