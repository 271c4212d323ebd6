using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Upstreams;

/// <summary>Reads a server's SSE change stream (<c>/api/v1/events</c>) so tests wait for the change itself, not for time.</summary>
internal sealed class EventStream : IDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly List<string> _seen = [];

    private EventStream(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    public static async Task<EventStream> OpenAsync(LanternProcess server)
    {
        var http = server.CreateAdminClient(Timeout.InfiniteTimeSpan);
        // Last-Event-ID 0 replays every change since start, so one committed before the stream opened is not missed.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{server.HttpPort}/api/v1/events"));
        request.Headers.Add("Last-Event-ID", "0");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return new EventStream(http, response, reader);
    }

    /// <summary>Waits for a <c>data:</c> line containing every one of <paramref name="id"/> and <paramref name="fragment"/>.</summary>
    public async Task WaitForAsync(string id, string fragment, TimeSpan timeout, LanternProcess server, LanternProcess? other = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(deadline.Token) ?? throw new InvalidOperationException("event stream closed");
                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    _seen.Add(line);
                    if (line.Contains(id, StringComparison.Ordinal) && line.Contains(fragment, StringComparison.Ordinal))
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no event with {id} and {fragment} within {timeout}; seen:\n{string.Join('\n', _seen)}\n--- server ---\n{server.Output}\n--- other ---\n{other?.Output}");
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
    }
}
