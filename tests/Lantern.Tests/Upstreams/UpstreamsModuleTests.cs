using System.Text;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Status;
using Lantern.Upstreams;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Upstreams;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes through IAsyncLifetime.DisposeAsync")]
public sealed class UpstreamsModuleTests : IAsyncLifetime
{
    private readonly FakeUpstreamSipClient _client = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly MailboxService _mailboxes = new(new InMemoryMailboxRepository(), TimeProvider.System);
    private UpstreamsModule _module = null!;

    public async Task InitializeAsync()
    {
        await _mailboxes.LoadAsync(CancellationToken.None);
        _module = new UpstreamsModule(_client, _mailboxes, UpstreamBodies.TryParse, _time, NullLoggerFactory.Instance);
    }

    public async Task DisposeAsync()
    {
        await _module.DisposeAsync();
        _mailboxes.Dispose();
    }

    private static UpstreamOptions Line(string line)
    {
        Assert.True(UpstreamLine.TryParse(line, out var options, out var error), error);
        return options;
    }

    [Fact]
    public async Task Start_FromAsteriskLine_SubscribesAsUserAtHostWithDefaultContext()
    {
        await _module.StartAsync([Line("1001:secret@127.0.0.1:5099/1001")], CancellationToken.None);

        var sent = await _client.NextAsync();

        Assert.Equal("sip:1001@127.0.0.1:5099", sent.Request.RequestUri);
        Assert.Equal(MailboxId.Parse("1001@SIP_Remote"), sent.Request.Upstream.Mailbox);
        Assert.Equal("1001@127.0.0.1:5099/1001", Assert.Single(_module.GetUpstreams()).Name);
    }

    [Fact]
    public async Task StandBy_ConfiguredAndReloadedUpstreamsRunOnlyWhileHeld()
    {
        _module.StandBy();
        await _module.StartAsync([Line("1001:secret@127.0.0.1:5099/1001")], CancellationToken.None);
        await _module.ApplyAsync([Line("1001:secret@127.0.0.1:5099/1001")], CancellationToken.None);
        Assert.Empty(_module.GetUpstreams());
        Assert.False(_client.TryTake(out _));

        await _module.SetHeldAsync(true, CancellationToken.None);
        var sent = await _client.NextAsync();
        sent.Ok(3600);
        await WaitActiveAsync("1001@127.0.0.1:5099/1001");

        // Lost to another node: this one unsubscribes and runs nothing, even after a reload.
        var releasing = _module.SetHeldAsync(false, CancellationToken.None);
        var unsubscribe = await _client.NextAsync();
        Assert.Equal((0, sent.Request.CallId), (unsubscribe.Request.Expires, unsubscribe.Request.CallId));
        unsubscribe.Ok(0);
        await releasing.WaitAsync(FakeUpstreamSipClient.Deadline);
        await _module.ApplyAsync([Line("1001:secret@127.0.0.1:5099/1001")], CancellationToken.None);
        Assert.Empty(_module.GetUpstreams());
    }

    [Fact]
    public async Task Notify_RoutedByCallId_UnknownCallIdNotClaimed()
    {
        await _module.StartAsync([Line("1001:secret@127.0.0.1:5099/1001")], CancellationToken.None);
        var sent = await _client.NextAsync();
        sent.Ok(3600);
        var body = Encoding.ASCII.GetBytes("Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n");

        var routed = await _module.TryHandleNotifyAsync(new UpstreamNotify(sent.Request.CallId, "srv1", sent.Request.LocalTag, 1, "message-summary", "active", "application/simple-message-summary", body), CancellationToken.None);
        var unknown = await _module.TryHandleNotifyAsync(new UpstreamNotify("other", "srv1", "x", 1, "message-summary", "active", null, default), CancellationToken.None);

        Assert.Equal(200, routed?.StatusCode);
        Assert.Null(unknown);
        Assert.Equal(1, _mailboxes.Find(MailboxId.Parse("1001@SIP_Remote"))!.Counts.Voice.New);
    }

    [Fact]
    public async Task Apply_RemovedUpstream_UnsubscribesWithExpires0_AddedOneStarts()
    {
        await _module.StartAsync([Line("a@127.0.0.1:5099/1")], CancellationToken.None);
        var a = await _client.NextAsync();
        a.Ok(3600);
        await WaitActiveAsync("a@127.0.0.1:5099/1");

        var applying = _module.ApplyAsync([Line("b@127.0.0.1:5099/2")], CancellationToken.None);
        var unsubscribe = await _client.NextAsync();
        Assert.Equal(0, unsubscribe.Request.Expires);
        Assert.Equal(a.Request.CallId, unsubscribe.Request.CallId);
        unsubscribe.Ok(0);
        await applying.WaitAsync(FakeUpstreamSipClient.Deadline);

        var b = await _client.NextAsync();
        Assert.Equal("sip:b@127.0.0.1:5099", b.Request.RequestUri);
        Assert.Equal(["b@127.0.0.1:5099/2"], _module.GetUpstreams().Select(u => u.Name));
        Assert.False(_module.OwnsCallId(a.Request.CallId));
    }

    [Fact]
    public async Task Apply_Unchanged_KeepsTheSubscription()
    {
        await _module.StartAsync([Line("a@127.0.0.1:5099/1")], CancellationToken.None);
        (await _client.NextAsync()).Ok(3600);
        await WaitActiveAsync("a@127.0.0.1:5099/1");

        await _module.ApplyAsync([Line("a@127.0.0.1:5099/1")], CancellationToken.None);

        Assert.False(_client.TryTake(out _));
        Assert.Equal(UpstreamState.Active, Assert.Single(_module.GetUpstreams()).State);
    }

    [Fact]
    public async Task Start_InvalidEntry_SkippedOthersStart()
    {
        var bad = new UpstreamOptions { Name = "bad", User = "u", Host = "h", Mailbox = "1", Transport = "sctp" };

        await _module.StartAsync([bad, Line("a@127.0.0.1:5099/1")], CancellationToken.None);

        Assert.Equal(["a@127.0.0.1:5099/1"], _module.GetUpstreams().Select(u => u.Name));
    }

    private async Task WaitActiveAsync(string name)
    {
        var active = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(UpstreamStatus s)
        {
            if (s.Name == name && s.State == UpstreamState.Active)
            {
                active.TrySetResult();
            }
        }

        _module.StatusChanged += OnChange;
        try
        {
            if (_module.GetUpstreams().Single(u => u.Name == name).State != UpstreamState.Active)
            {
                await active.Task.WaitAsync(FakeUpstreamSipClient.Deadline);
            }
        }
        finally
        {
            _module.StatusChanged -= OnChange;
        }
    }
}
