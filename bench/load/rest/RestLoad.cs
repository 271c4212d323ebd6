#:property PublishAot=false
#:property InvariantGlobalization=true

// Bounded load client for Lantern's REST API: sustained durable writes (PUT /ari/mailboxes/{id})
// and the latency from a write's acknowledgement to its SSE event on /api/v1/events.
// Run: dotnet run bench/load/rest/RestLoad.cs -- --server http://127.0.0.1:8088 --user admin --password PW [--duration 10] [--concurrency 8] [--mailboxes 1000]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

var options = LoadOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: RestLoad.cs --server URL --user U --password P [--duration S<=300] [--concurrency N<=256] [--mailboxes M<=100000]");
    return 2;
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency + 2 })
{
    BaseAddress = new Uri(options.Server.TrimEnd('/') + "/"),
    Timeout = TimeSpan.FromSeconds(30),
};
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
    "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(options.User + ":" + options.Password)));

var runId = Guid.NewGuid().ToString("N")[..8];
var context = "load" + runId;
var sent = new ConcurrentDictionary<(string Id, int New), long>();
var acked = new ConcurrentDictionary<(string Id, int New), long>();
var putLatencies = new ConcurrentBag<double>();
var ackToEvent = new ConcurrentBag<double>();
var sendToEvent = new ConcurrentBag<double>();
long writes = 0, failures = 0, events = 0, eventsBeforeAck = 0;

using var stop = new CancellationTokenSource();
var sseOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var sse = Task.Run(async () =>
{
    using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/events?like=" + Uri.EscapeDataString("@" + context + "$"));
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
    response.EnsureSuccessStatusCode();
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
    while (await reader.ReadLineAsync(stop.Token) is { } line)
    {
        if (line.StartsWith(':'))
        {
            sseOpen.TrySetResult();
            continue;
        }

        if (!line.StartsWith("data:", StringComparison.Ordinal))
        {
            continue;
        }

        var now = Stopwatch.GetTimestamp();
        using var json = JsonDocument.Parse(line.AsMemory(5));
        var id = json.RootElement.GetProperty("id").GetString()!;
        var count = json.RootElement.GetProperty("counts").GetProperty("voice").GetProperty("new").GetInt32();
        Interlocked.Increment(ref events);
        if (sent.TryGetValue((id, count), out var start))
        {
            sendToEvent.Add(Stopwatch.GetElapsedTime(start, now).TotalMilliseconds);
        }

        if (acked.TryGetValue((id, count), out var ack))
        {
            ackToEvent.Add(Stopwatch.GetElapsedTime(ack, now).TotalMilliseconds);
        }
        else
        {
            // The feed publishes at commit, so an event can overtake the HTTP acknowledgement.
            Interlocked.Increment(ref eventsBeforeAck);
            ackToEvent.Add(0);
        }
    }
});

await sseOpen.Task.WaitAsync(TimeSpan.FromSeconds(10));
var started = Stopwatch.GetTimestamp();
var deadline = started + (long)(options.Duration * Stopwatch.Frequency);
var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
{
    var value = 0;
    for (var i = worker; Stopwatch.GetTimestamp() < deadline; i += options.Concurrency)
    {
        var id = $"m{i % options.Mailboxes}@{context}";
        value++;
        var t0 = Stopwatch.GetTimestamp();
        sent[(id, value)] = t0;
        using var response = await http.PutAsync($"ari/mailboxes/{Uri.EscapeDataString(id)}?newMessages={value}&oldMessages=0", null);
        var t1 = Stopwatch.GetTimestamp();
        acked[(id, value)] = t1;
        if ((int)response.StatusCode == 204)
        {
            Interlocked.Increment(ref writes);
            putLatencies.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
        }
        else
        {
            Interlocked.Increment(ref failures);
        }
    }
})).ToArray();
await Task.WhenAll(workers);
var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

// Give the stream a moment (bounded) to deliver the last events.
for (var i = 0; i < 20 && Interlocked.Read(ref events) < Interlocked.Read(ref writes); i++)
{
    await Task.Delay(100);
}

await stop.CancelAsync();
try
{
    await sse;
}
catch (OperationCanceledException)
{
}

using (var cleanup = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["like"] = "@" + context + "$" }), Encoding.UTF8, "application/json"))
{
    await http.PostAsync("api/v1/mailboxes:delete", cleanup);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"duration        {elapsed:F1} s, concurrency {options.Concurrency}, mailboxes {options.Mailboxes}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"durable writes  {writes} ok, {failures} failed, {writes / elapsed:F0} writes/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PUT latency     p50 {Percentile(putLatencies, 50):F2} ms, p99 {Percentile(putLatencies, 99):F2} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SSE events      {events} received ({Math.Max(0, writes - events)} coalesced or lost), {eventsBeforeAck} arrived before the ack"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ack->event      p50 {Percentile(ackToEvent, 50):F2} ms, p99 {Percentile(ackToEvent, 99):F2} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"send->event     p50 {Percentile(sendToEvent, 50):F2} ms, p99 {Percentile(sendToEvent, 99):F2} ms"));
return failures == 0 ? 0 : 1;

static double Percentile(ConcurrentBag<double> values, int percent)
{
    var sorted = values.ToArray();
    if (sorted.Length == 0)
    {
        return double.NaN;
    }

    Array.Sort(sorted);
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1)];
}

/// <summary>Command-line settings, each bounded so a run cannot become a soak test by accident.</summary>
internal sealed record LoadOptions(string Server, string User, string Password, double Duration, int Concurrency, int Mailboxes)
{
    public static LoadOptions? Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i]] = args[i + 1];
        }

        string Get(string key, string fallback) => map.TryGetValue(key, out var v) ? v : fallback;
        var server = Get("--server", Environment.GetEnvironmentVariable("LANTERN_URL") ?? "http://127.0.0.1:8088");
        var user = Get("--user", Environment.GetEnvironmentVariable("LANTERN_USER") ?? "admin");
        var password = Get("--password", Environment.GetEnvironmentVariable("LANTERN_PASSWORD") ?? string.Empty);
        if (!double.TryParse(Get("--duration", "10"), NumberStyles.Float, CultureInfo.InvariantCulture, out var duration) || duration is <= 0 or > 300
            || !int.TryParse(Get("--concurrency", "8"), NumberStyles.None, CultureInfo.InvariantCulture, out var concurrency) || concurrency is < 1 or > 256
            || !int.TryParse(Get("--mailboxes", "1000"), NumberStyles.None, CultureInfo.InvariantCulture, out var mailboxes) || mailboxes is < 1 or > 100_000)
        {
            return null;
        }

        return new LoadOptions(server, user, password, duration, concurrency, mailboxes);
    }
}
