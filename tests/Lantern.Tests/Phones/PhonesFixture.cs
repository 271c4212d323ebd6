using Lantern.Mailboxes;
using Lantern.Phones;
using Lantern.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Phones;

/// <summary>A mailbox service, fake time, fake NOTIFY sender and record store shared by the phones tests.</summary>
internal sealed class PhonesFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly List<IAsyncDisposable> _owned = [];
    private int _nextDialog;

    private PhonesFixture()
    {
        Mailboxes = new MailboxService(new InMemoryMailboxRepository(), Time);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public FakeNotifySender Sender { get; } = new();

    public InMemoryRecordStore Store { get; } = new();

    public MailboxService Mailboxes { get; }

    public PhonesMetrics Metrics { get; } = new(null);

    public static async Task<PhonesFixture> CreateAsync()
    {
        var f = new PhonesFixture();
        await f.Mailboxes.LoadAsync(CancellationToken.None);
        return f;
    }

    public PhoneRecordWriter Writer() => Own(new PhoneRecordWriter(Store, NullLogger.Instance));

    public SubscriptionManager Manager(PhonesSettings? settings = null, PhoneRecordWriter? writer = null) =>
        Own(new SubscriptionManager(Sender, Mailboxes, settings ?? new PhonesSettings { Domain = "example.com" }, writer, Time, Metrics, NullLogger.Instance));

    public PhonesService Service(EndpointDirectory directory, PhonesSettings? settings = null) =>
        Own(new PhonesService(Sender, Mailboxes, settings ?? new PhonesSettings { Domain = "example.com" }, directory, Store, Time, NullLoggerFactory.Instance));

    public async Task SetAsync(string mailbox, int newCount, int oldCount = 0)
    {
        var r = await Mailboxes.UpdateAsync(
            MailboxId.Parse(mailbox),
            MailboxSource.Api,
            MailboxUpdate.Replace(new MailboxCounts(new MessageCounts(newCount, oldCount, 0, 0))),
            null,
            CancellationToken.None);
        Assert.True(r.Succeeded, r.Error);
    }

    public async Task DeleteAsync(string mailbox)
    {
        var r = await Mailboxes.DeleteAsync(MailboxId.Parse(mailbox), MailboxSource.Api, CancellationToken.None);
        Assert.True(r.Succeeded, r.Error);
    }

    public SubscriptionDialog Dialog(string? callId = null) => new(
        callId ?? "call-" + Interlocked.Increment(ref _nextDialog),
        "lt" + _nextDialog,
        "rt" + _nextDialog,
        "sip:1001@example.com",
        "sip:1001@example.com",
        "sip:1001@192.0.2.7:5060",
        [],
        SipTransportKind.Udp,
        "192.0.2.7",
        5060,
        0);

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        Mailboxes.Dispose();
        Metrics.Dispose();
    }

    private T Own<T>(T item)
        where T : IAsyncDisposable
    {
        _owned.Add(item);
        return item;
    }
}
