using System.Net.Http.Headers;

namespace Lantern.Tests.Api;

/// <summary>A minimal Server-Sent Events reader for tests: every wait has a deadline.</summary>
internal sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<SseClient> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return new SseClient(response, reader);
    }

    /// <summary>Reads until the first comment block (sent once the server subscribed), so later changes are seen.</summary>
    public async Task WaitOpenAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await _reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith(':'))
            {
                return;
            }
        }

        throw new InvalidOperationException("stream ended before it opened");
    }

    /// <summary>The next event (name, id, data), skipping comments; throws on timeout.</summary>
    public async Task<(string Event, string? Id, string Data)> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        string? name = null, id = null, data = null;
        while (await _reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return (name ?? "message", id, data);
                }

                (name, id) = (null, null);
                continue;
            }

            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line[6..].Trim();
            }
            else if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                id = line[3..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data = line[5..].Trim();
            }
        }

        throw new InvalidOperationException("stream ended");
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
