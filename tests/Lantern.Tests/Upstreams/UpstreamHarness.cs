using System.Text;
using Lantern.Mailboxes;
using Lantern.Sip.Transport;
using Lantern.Status;
using Lantern.Upstreams;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Upstreams;

/// <summary>One subscriber wired to a fake SIP client, a real in-memory mailbox service and a fake clock.</summary>
internal sealed class UpstreamHarness : IAsyncDisposable
{
    public static readonly MailboxId Mailbox = MailboxId.Parse("1001@SIP_Remote");

    private UpstreamHarness(UpstreamDefinition upstream, MailboxService mailboxes, TimeSpan notifyTimeout)
    {
        Upstream = upstream;
        Mailboxes = mailboxes;
        Subscriber = new UpstreamSubscriber(upstream, Client, mailboxes, UpstreamBodies.TryParse, Time, NullLogger.Instance, random01: () => Random, notifyTimeout: notifyTimeout);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public FakeUpstreamSipClient Client { get; } = new();

    public MailboxService Mailboxes { get; }

    public UpstreamDefinition Upstream { get; }

    public UpstreamSubscriber Subscriber { get; }

    /// <summary>Jitter input; 0.5 gives the nominal backoff exactly.</summary>
    public double Random { get; set; } = 0.5;

    public static UpstreamDefinition Definition(string? secret = "secret", int expires = 3600) =>
        new("prov", "mwi", secret, "mwi", "192.0.2.1", 5060, SipTransportKind.Udp, null, expires, Mailbox);

    /// <param name="notifyTimeout">64·T1 for the no-NOTIFY rule; zero (the default here) leaves it off.</param>
    public static async Task<UpstreamHarness> StartAsync(UpstreamDefinition? upstream = null, TimeSpan notifyTimeout = default)
    {
        var mailboxes = new MailboxService(new InMemoryMailboxRepository(), TimeProvider.System);
        await mailboxes.LoadAsync(CancellationToken.None);
        var harness = new UpstreamHarness(upstream ?? Definition(), mailboxes, notifyTimeout);
        harness.Subscriber.Start();
        return harness;
    }

    /// <summary>Waits (bounded) until the status satisfies <paramref name="predicate"/>.</summary>
    public async Task<UpstreamStatus> WaitStatusAsync(Func<UpstreamStatus, bool> predicate)
    {
        var done = new TaskCompletionSource<UpstreamStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(UpstreamStatus s)
        {
            if (predicate(s))
            {
                done.TrySetResult(s);
            }
        }

        Subscriber.StatusChanged += OnChange;
        try
        {
            OnChange(Subscriber.Status);
            return await done.Task.WaitAsync(FakeUpstreamSipClient.Deadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("status never matched; last: " + Subscriber.Status);
        }
        finally
        {
            Subscriber.StatusChanged -= OnChange;
        }
    }

    /// <summary>Subscribes and gets a 200 granting <paramref name="granted"/> seconds; returns the SUBSCRIBE.</summary>
    public async Task<SentSubscribe> ActivateAsync(int granted = 3600)
    {
        var initial = await Client.NextAsync();
        initial.Ok(granted);
        await WaitStatusAsync(s => s.State == UpstreamState.Active && s.NextAttemptAt is not null);
        return initial;
    }

    /// <summary>True when no SUBSCRIBE was sent, checked after the subscriber handled everything queued so far.</summary>
    public async Task<bool> NothingSentAsync()
    {
        await Subscriber.WhenIdleAsync().WaitAsync(FakeUpstreamSipClient.Deadline);
        return !Client.TryTake(out _);
    }

    public ValueTask<UpstreamNotifyResult> NotifyAsync(SentSubscribe subscribe, long cseq, string state, string? body, string fromTag = "srv1", string contentType = "application/simple-message-summary") =>
        Subscriber.HandleNotifyAsync(
            new UpstreamNotify(
                subscribe.Request.CallId,
                fromTag,
                subscribe.Request.LocalTag,
                cseq,
                "message-summary",
                state,
                body is null ? null : contentType,
                body is null ? ReadOnlyMemory<byte>.Empty : Encoding.ASCII.GetBytes(body)),
            CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Subscriber.DisposeAsync();
        Mailboxes.Dispose();
    }
}
