using System.Net;
using System.Text;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Peers;
using Lantern.Sip.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Peers;

/// <summary>A peers module over a real in-memory mailbox service, a real digest authenticator and a fake clock.</summary>
internal sealed class PeersHarness : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public const string Body = "Messages-Waiting: yes\r\nMessage-Account: sip:4123@pbx.example\r\nVoice-Message: 3/8 (1/2)\r\n";

    private PeersHarness(MailboxService mailboxes)
    {
        Mailboxes = mailboxes;
        // SHA-256 opted in (decision 0007), so the peer tests cover the preferred algorithm.
        Authenticator = new DigestAuthenticator(
            new DigestServerOptions { Realm = "lantern.test", SecretKey = new byte[32], Algorithms = [DigestAlgorithm.Sha256, DigestAlgorithm.Md5] }, Time);
        Module = new PeersModule(
            mailboxes,
            PeerBodies.TryParse,
            Authenticator,
            Time,
            NullLoggerFactory.Instance,
            new PeerPublishLimits(60, 7200, 3600),
            resolveHost: (name, _) => Task.FromResult(name == "oldpbx.example" ? new[] { IPAddress.Parse("192.0.2.77") } : throw new System.Net.Sockets.SocketException(11001)));
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public MailboxService Mailboxes { get; }

    public DigestAuthenticator Authenticator { get; }

    public PeersModule Module { get; }

    public static PeerOptions Peer(string name, string mailbox, params string[] match) => new() { Name = name, Mailbox = mailbox, Match = [.. match] };

    public static async Task<PeersHarness> StartAsync(params PeerOptions[] peers)
    {
        var mailboxes = new MailboxService(new InMemoryMailboxRepository(), TimeProvider.System);
        await mailboxes.LoadAsync(CancellationToken.None);
        var h = new PeersHarness(mailboxes);
        await h.Module.StartAsync(peers, CancellationToken.None);
        return h;
    }

    public static PeerRequest Notify(string source, string? body = Body, string? eventHeader = "message-summary", string contentType = "application/simple-message-summary", string? authorization = null) =>
        new(PeerMethod.Notify, IPAddress.Parse(source), "sip:4123@lantern.test", eventHeader, body is null ? null : contentType, body is null ? ReadOnlyMemory<byte>.Empty : Encoding.ASCII.GetBytes(body), authorization);

    public static PeerRequest Publish(string source, string? body = Body, string? expires = "3600", string? ifMatch = null) =>
        new(PeerMethod.Publish, IPAddress.Parse(source), "sip:4123@lantern.test", "message-summary", body is null ? null : "application/simple-message-summary", body is null ? ReadOnlyMemory<byte>.Empty : Encoding.ASCII.GetBytes(body), null, expires, ifMatch);

    public Task<PeerResponse> SendAsync(PeerRequest request) => Module.HandleAsync(request, CancellationToken.None).AsTask().WaitAsync(Deadline);

    public Mailbox? Find(string id) => Mailboxes.Find(MailboxId.Parse(id));

    public async ValueTask DisposeAsync()
    {
        await Module.DisposeAsync();
        Mailboxes.Dispose();
    }
}
