using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lantern.Api;

namespace Lantern.Cli;

/// <summary>The REST client behind every <c>lantern</c> command except <c>serve</c>.</summary>
internal sealed class CliApiClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    public CliApiClient(CliServerSettings settings)
    {
        Settings = settings;
        _http = new HttpClient { BaseAddress = settings.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(ApiAuthenticationMiddleware.CliUserAgent + "/1");
        if (settings.User is not null)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(settings.User + ":" + settings.Password));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
        else if (settings.ApiKey is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        }
    }

    public CliServerSettings Settings { get; }

    public async Task<CliResponse> SendAsync(HttpMethod method, string path, string? json, string? ifMatch, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return new CliResponse(response.StatusCode, body, response.Headers.ETag?.Tag);
        }
        catch (HttpRequestException ex)
        {
            throw new CliUnreachableException($"cannot reach the server at {Settings.BaseAddress}: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliUnreachableException($"the server at {Settings.BaseAddress} did not answer within {RequestTimeout.TotalSeconds:0} s", ex);
        }
    }

    /// <summary>Opens a streaming GET (Server-Sent Events); the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, string? lastEventId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CliUnreachableException($"cannot reach the server at {Settings.BaseAddress}: {ex.Message}", ex);
        }
    }

    /// <summary>The problem detail of a refused request, or its status line when the body is not a problem document.</summary>
    public static string Describe(CliResponse response)
    {
        try
        {
            var problem = JsonSerializer.Deserialize(response.Body, ApiJsonContext.Default.ApiProblem);
            if (problem is not null && !string.IsNullOrEmpty(problem.Detail))
            {
                var text = $"{(int)response.Status} {problem.Title}: {problem.Detail}";
                if (problem.Errors is { Count: > 0 } errors)
                {
                    var all = new StringBuilder(text);
                    foreach (var e in errors)
                    {
                        all.Append("\n  item ").Append(e.Index).Append(": ").Append(e.Reason);
                    }

                    text = all.ToString();
                }

                return text;
            }
        }
        catch (JsonException)
        {
        }

        return $"{(int)response.Status} {response.Status}";
    }

    public void Dispose() => _http.Dispose();
}
