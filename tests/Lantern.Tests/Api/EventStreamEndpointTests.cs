using System.Net;
using System.Text.Json;
using Lantern.Mailboxes;

namespace Lantern.Tests.Api;

public sealed class EventStreamEndpointTests : IClassFixture<ApiTestHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ApiTestHost _host;

    public EventStreamEndpointTests(ApiTestHost host) => _host = host;

    [Fact]
    public async Task Events_AfterPut_DeliversMailboxEvent()
    {
        using var client = _host.Client();
        await using var sse = await SseClient.OpenAsync(client, "api/v1/events?like=" + Uri.EscapeDataString("@sse1$"));
        Assert.Equal("text/event-stream", sse.Response.Content.Headers.ContentType?.MediaType);
        await sse.WaitOpenAsync(Deadline);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("ari/mailboxes/100@sse1?newMessages=3&oldMessages=1", null)).StatusCode);

        var (name, id, data) = await sse.NextAsync(Deadline);
        Assert.Equal("mailbox", name);
        using var json = JsonDocument.Parse(data);
        var e = json.RootElement;
        Assert.Equal("100@sse1", e.GetProperty("id").GetString());
        Assert.Equal("updated", e.GetProperty("kind").GetString());
        Assert.Equal(3, e.GetProperty("counts").GetProperty("voice").GetProperty("new").GetInt32());
        Assert.True(e.GetProperty("waiting").GetBoolean());
        Assert.Equal("api", e.GetProperty("source").GetString());
        Assert.Equal(e.GetProperty("sequence").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), id);
        Assert.True(e.GetProperty("version").GetInt64() >= 1);
    }

    [Fact]
    public async Task Events_LikeFilter_SkipsOtherMailboxes()
    {
        using var client = _host.Client();
        await using var sse = await SseClient.OpenAsync(client, "api/v1/events?like=" + Uri.EscapeDataString("^wanted@sse2$"));
        await sse.WaitOpenAsync(Deadline);
        await client.PutAsync("ari/mailboxes/other@sse2?newMessages=1", null);
        await client.PutAsync("ari/mailboxes/wanted@sse2?newMessages=2", null);

        var (_, _, data) = await sse.NextAsync(Deadline);
        Assert.Contains("\"wanted@sse2\"", data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_LastEventId_ResumesWithMissedChanges()
    {
        using var client = _host.Client();
        await client.PutAsync("ari/mailboxes/r@sse3?newMessages=1", null);
        var start = _host.Mailboxes.Changes.LastSequence;
        await client.PutAsync("ari/mailboxes/r@sse3?newMessages=2", null);
        await client.DeleteAsync("ari/mailboxes/r@sse3");

        await using var sse = await SseClient.OpenAsync(client, "api/v1/events?like=" + Uri.EscapeDataString("@sse3$"), start.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var first = await sse.NextAsync(Deadline);
        var second = await sse.NextAsync(Deadline);

        Assert.Contains("\"new\":2", first.Data, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"deleted\"", second.Data, StringComparison.Ordinal);
        Assert.True(long.Parse(second.Id!, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(first.Id!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Events_LastEventIdTooOld_SendsResync()
    {
        await using var host = new ApiTestHost { ReplayCapacity = 2 };
        await host.InitializeAsync();
        using var client = host.Client();
        for (var i = 0; i < 5; i++)
        {
            await client.PutAsync($"ari/mailboxes/m{i}@sse4?newMessages=1", null);
        }

        await using var sse = await SseClient.OpenAsync(client, "api/v1/events", "0");
        var (name, _, data) = await sse.NextAsync(Deadline);

        Assert.Equal("resync", name);
        Assert.Contains("\"lastEventId\":0", data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_LastEventIdNotIssuedHere_SendsResyncThenTheLiveStream()
    {
        using var client = _host.Client();
        await client.PutAsync("ari/mailboxes/f@sse7?newMessages=1", null);

        // An id far beyond this node's, as a client moving from another node (or from an earlier run) carries.
        var foreign = (_host.Mailboxes.Changes.LastSequence + 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var sse = await SseClient.OpenAsync(client, "api/v1/events?like=" + Uri.EscapeDataString("@sse7$"), foreign);
        var (name, _, _) = await sse.NextAsync(Deadline);
        Assert.Equal("resync", name);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("ari/mailboxes/f@sse7?newMessages=4", null)).StatusCode);
        var (live, _, data) = await sse.NextAsync(Deadline);
        Assert.Equal("mailbox", live);
        Assert.Contains("\"new\":4", data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_LowerIdArrivingAfterAHigherOne_StillDeliveredLive()
    {
        using var client = _host.Client();
        await using var sse = await SseClient.OpenAsync(client, "api/v1/events?like=" + Uri.EscapeDataString("@sse8$"));
        await sse.WaitOpenAsync(Deadline);

        // As in a cluster, where ids are drawn before COMMIT and another node's commit is heard a NOTIFY trip later.
        var feed = (MailboxChangeFeed)_host.Mailboxes.Changes;
        var high = feed.LastSequence + 1_000;
        var time = DateTimeOffset.UtcNow;
        feed.Publish(MailboxChangeKind.Updated, new Mailbox(MailboxId.Parse("x@sse8"), MailboxCounts.Empty, 1, MailboxSource.Api, time), time, high);
        feed.Publish(MailboxChangeKind.Updated, new Mailbox(MailboxId.Parse("y@sse8"), MailboxCounts.Empty, 1, MailboxSource.Api, time), time, high - 1);

        var first = await sse.NextAsync(Deadline);
        var second = await sse.NextAsync(Deadline);
        Assert.Contains("\"x@sse8\"", first.Data, StringComparison.Ordinal);
        Assert.Contains("\"y@sse8\"", second.Data, StringComparison.Ordinal);
        Assert.Equal((high - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), second.Id);
    }

    [Fact]
    public async Task Events_OverStreamLimit_Is503()
    {
        await using var host = new ApiTestHost { ExtraConfiguration = new Dictionary<string, string?> { ["http:maxEventStreams"] = "1" } };
        await host.InitializeAsync();
        using var client = host.Client();
        await using (var first = await SseClient.OpenAsync(client, "api/v1/events"))
        {
            await first.WaitOpenAsync(Deadline);
            await ApiAssert.ProblemAsync(await client.GetAsync("api/v1/events"), HttpStatusCode.ServiceUnavailable, "at most 1");
        }
    }

    [Fact]
    public async Task Events_ClientThatStopsReading_IsDroppedAtTheBacklogBound()
    {
        await using var host = new ApiTestHost { ExtraConfiguration = new Dictionary<string, string?> { ["http:eventStreamBacklog"] = "100" } };
        await host.InitializeAsync();

        // A client that reads its headers, then nothing: the socket buffers fill and the server's writes stall.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port).WaitAsync(Deadline);
        var auth = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{ApiTestHost.User}:{ApiTestHost.Password}"));
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes($"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n\r\n"));
        var head = new byte[512];
        Assert.True(await socket.ReceiveAsync(head).WaitAsync(Deadline) > 0);

        // Distinct mailboxes, so coalescing cannot absorb them; bounded at 6 batches of 5,000 (about 7 MB of events).
        using var aborted = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (var batch = 0; batch < 6 && (await host.Mailboxes.UpdateBatchAsync(Batch(batch), MailboxSource.Api, aborted.Token)).Applied; batch++)
        {
        }

        // Draining now must reach the end: the server dropped the stream instead of holding the backlog.
        var buffer = new byte[65536];
        using var drain = new CancellationTokenSource(Deadline);
        long total = 0;
        try
        {
            for (var reads = 0; reads < 100_000; reads++)
            {
                var n = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, drain.Token);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // A reset is the abort.
        }

        Assert.False(drain.IsCancellationRequested, $"the stream stayed open after {total} bytes");
    }

    private static List<MailboxBatchItem> Batch(int batch)
    {
        var items = new List<MailboxBatchItem>(5000);
        for (var i = 0; i < 5000; i++)
        {
            items.Add(new MailboxBatchItem(MailboxId.Parse($"{(batch * 5000) + i}@backlog"), MailboxUpdate.SetClass(MessageClass.Voice, 1, 0, 0, 0)));
        }

        return items;
    }

    [Fact]
    public async Task Events_BadLastEventIdOrLike_Is400()
    {
        using var client = _host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/events");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "abc");
        await ApiAssert.ProblemAsync(await client.SendAsync(request), HttpStatusCode.BadRequest, "Last-Event-ID");
        await ApiAssert.ProblemAsync(await client.GetAsync("api/v1/events?like=%28"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Events_DirectServiceWrite_IsAlsoStreamed()
    {
        using var client = _host.Client();
        await using var sse = await SseClient.OpenAsync(client, "api/v1/events?like=" + Uri.EscapeDataString("@sse5$"));
        await sse.WaitOpenAsync(Deadline);
        await _host.CreateForeignAsync("x@sse5", 4);

        var (_, _, data) = await sse.NextAsync(Deadline);
        Assert.Contains("\"source\":\"peer:oldpbx\"", data, StringComparison.Ordinal);
        Assert.NotNull(_host.Mailboxes.Find(MailboxId.Parse("x@sse5")));
    }
}
