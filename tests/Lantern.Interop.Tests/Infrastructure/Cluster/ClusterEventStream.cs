namespace Lantern.Interop.Tests.Infrastructure.Cluster;

/// <summary>An SSE stream (<c>/api/v1/events</c>) of one cluster node, read event by event with a deadline, optionally
/// resumed with <c>Last-Event-ID</c>.</summary>
internal sealed class ClusterEventStream : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private ClusterEventStream(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    /// <summary>Every event read so far, for assertions and failure messages.</summary>
    public List<SseEvent> Seen { get; } = [];

    public static async Task<ClusterEventStream> OpenAsync(ClusterNode node, string? lastEventId = null)
    {
        var http = node.CreateAdminClient(Timeout.InfiniteTimeSpan);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/events", UriKind.Relative));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new ClusterEventStream(http, response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The next event (comments and <c>retry:</c> skipped); throws <see cref="TimeoutException"/> past <paramref name="timeout"/>.</summary>
    public async Task<SseEvent> NextAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string? type = null;
        string? id = null;
        string? data = null;
        try
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(deadline.Token) ?? throw new InvalidOperationException("event stream closed");
                if (line.Length == 0)
                {
                    if (data is not null)
                    {
                        var sse = new SseEvent(type ?? "message", id, data);
                        Seen.Add(sse);
                        return sse;
                    }

                    (type, id) = (null, null);
                    continue;
                }

                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line["event: ".Length..];
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line["id: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no event within {timeout}; seen:\n{string.Join('\n', Seen)}");
        }
    }

    /// <summary>Reads until an event for mailbox <paramref name="mailbox"/> whose data contains <paramref name="fragment"/>.</summary>
    public async Task<SseEvent> WaitForAsync(string mailbox, string fragment, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            var next = await NextAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            if (next.Data.Contains($"\"id\":\"{mailbox}\"", StringComparison.Ordinal) && next.Data.Contains(fragment, StringComparison.Ordinal))
            {
                return next;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
