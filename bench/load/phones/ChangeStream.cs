#:property PublishAot=false
#:property InvariantGlobalization=true

// Steady change stream (issue 13): drives mailbox changes through POST /api/v1/mailboxes:batch at a fixed rate and joins
// them with the NOTIFYs the change-stream subscribers (change_subscriber.xml) logged. Every change gives its mailbox a new,
// unique voice "new" count (the change's sequence number), so each NOTIFY names the change it reports.
//   create: creates MAILBOXES mailboxes <prefix>000001@<context>.. with zero counts (so the run measures updates only).
//   run:    RATE changes/s for WARMUP (uncounted) + SECONDS s, in one batch every BATCH_MS, mailboxes in a fixed shuffled round-robin order;
//           then waits (bounded) for the NOTIFYs and reports delivered/lost, change->NOTIFY percentiles, lantern CPU and RSS.
// Run through change-stream.sh; by hand:
//   dotnet run -c Release bench/load/phones/ChangeStream.cs -- run --server URL --user U --password P --mailboxes 1000
//     --rate 200 --seconds 10 --notify-logs a.log,b.log [--warmup 5] [--lantern-pid PID] [--batch-ms 10] [--drain-seconds 30] [--csv FILE]
// Exit code 1 when a POST failed, a subscriber was not confirmed, a change was lost, or a mailbox's last NOTIFY does not carry
// its newest count.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

var options = StreamOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: ChangeStream.cs create|run --server URL --user U --password P --mailboxes N<=100000 [--prefix u] [--context default]");
    Console.Error.WriteLine("       run: --rate R<=20000 --seconds S<=300 [--warmup 0..60] --notify-logs FILE[,FILE..] [--batch-ms 1..1000] [--drain-seconds 1..300] [--lantern-pid PID] [--csv FILE]");
    return 2;
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = StreamOptions.MaxInFlight + 2 })
{
    BaseAddress = new Uri(options.Server.TrimEnd('/') + "/"),
    Timeout = TimeSpan.FromSeconds(30),
};
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
    "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(options.User + ":" + options.Password)));

string MailboxUser(int index) => options.Prefix + (index + 1).ToString("D6", CultureInfo.InvariantCulture);

async Task<int> PostBatchAsync(StringBuilder body)
{
    using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
    using var response = await http.PostAsync("api/v1/mailboxes:batch", content);
    if (!response.IsSuccessStatusCode)
    {
        Console.Error.WriteLine($"batch: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    return (int)response.StatusCode;
}

void AppendItem(StringBuilder body, int mailbox, long count)
{
    body.Append(body[^1] == '[' ? "{\"id\":\"" : ",{\"id\":\"").Append(MailboxUser(mailbox)).Append('@').Append(options.Context)
        .Append("\",\"counts\":{\"voice\":{\"new\":").Append(count.ToString(CultureInfo.InvariantCulture)).Append("}}}");
}

if (options.Mode == "create")
{
    for (var first = 0; first < options.Mailboxes; first += 5000)
    {
        var body = new StringBuilder("{\"items\":[");
        for (var i = first; i < Math.Min(options.Mailboxes, first + 5000); i++)
        {
            AppendItem(body, i, 0);
        }

        if (await PostBatchAsync(body.Append("]}")) != 200)
        {
            return 1;
        }
    }

    Console.WriteLine($"created {options.Mailboxes} mailboxes {MailboxUser(0)}..{MailboxUser(options.Mailboxes - 1)}@{options.Context}");
    return 0;
}

// ---- run: send ----
// The first WARMUP seconds of changes are sent the same way but not counted: they let the JIT tier up the write and NOTIFY paths.
var warm = (int)(options.Rate * options.Warmup);
var measured = (int)(options.Rate * options.Seconds);
var total = warm + measured;
var changes = new Change[total];
var order = Enumerable.Range(0, options.Mailboxes).ToArray();
new Random(13).Shuffle(order);
for (var j = 0; j < total; j++)
{
    changes[j].Mailbox = order[j % options.Mailboxes];
}

var postMs = new List<double>();
var postFailures = 0;
var maxLagMs = 0.0;
using var inFlight = new SemaphoreSlim(StreamOptions.MaxInFlight);
var pending = new List<Task>();
var cpu0 = 0.0;
var started = Stopwatch.GetTimestamp();
var measuredStarted = started;
var next = 0;
for (long tick = 1; next < total; tick++)
{
    var due = (int)Math.Min(total, Stopwatch.GetElapsedTime(started).TotalSeconds * options.Rate);
    while (next < due)
    {
        var first = next;
        var end = Math.Min(Math.Min(due, first + 10_000), first < warm ? warm : total);
        next = end;
        if (first == warm)
        {
            cpu0 = CpuSeconds(options.LanternPid);
            measuredStarted = Stopwatch.GetTimestamp();
        }

        var lag = (Stopwatch.GetElapsedTime(started).TotalSeconds - (first / options.Rate)) * 1000;
        maxLagMs = first >= warm ? Math.Max(maxLagMs, lag) : 0;
        await inFlight.WaitAsync();
        pending.Add(Task.Run(async () =>
        {
            try
            {
                var body = new StringBuilder("{\"items\":[");
                for (var j = first; j < end; j++)
                {
                    AppendItem(body, changes[j].Mailbox, j + 1);
                }

                body.Append("]}");
                var sentUs = NowUs();
                var t0 = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    status = await PostBatchAsync(body);
                }
                catch (HttpRequestException ex)
                {
                    Console.Error.WriteLine($"batch: {ex.Message}");
                    status = 0;
                }

                var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                var ackUs = NowUs();
                lock (postMs)
                {
                    if (first >= warm)
                    {
                        postMs.Add(ms);
                    }

                    if (status != 200)
                    {
                        postFailures++;
                    }
                }

                for (var j = first; j < end; j++)
                {
                    changes[j].SentUs = sentUs;
                    changes[j].AckUs = ackUs;
                    changes[j].Posted = status == 200;
                }
            }
            finally
            {
                inFlight.Release();
            }
        }));
    }

    var wait = TimeSpan.FromMilliseconds(tick * options.BatchMs) - Stopwatch.GetElapsedTime(started);
    if (wait > TimeSpan.Zero)
    {
        await Task.Delay(wait);
    }
}

await Task.WhenAll(pending);
var sendSeconds = Stopwatch.GetElapsedTime(measuredStarted).TotalSeconds;

// ---- run: wait for the NOTIFYs ----
// The newest count each mailbox must end with: that of its last change whose POST succeeded.
var finalCount = new long[options.Mailboxes];
for (var j = 0; j < total; j++)
{
    if (changes[j].Posted)
    {
        finalCount[changes[j].Mailbox] = j + 1;
    }
}

var byUser = new Dictionary<string, int>(StringComparer.Ordinal);
for (var i = 0; i < options.Mailboxes; i++)
{
    byUser[MailboxUser(i)] = i;
}

var notifies = new List<Notify>[options.Mailboxes];
for (var i = 0; i < options.Mailboxes; i++)
{
    notifies[i] = [];
}

// A mailbox whose subscriber never got its subscription confirmed (SUBOK) cannot be notified: its changes are reported apart.
var subscribed = new bool[options.Mailboxes];
var finalSeen = new bool[options.Mailboxes];
var missingFinal = 0;

var readers = options.NotifyLogs.Select(path => new LogTail(path)).ToArray();
var malformed = 0;
var drainStarted = Stopwatch.GetTimestamp();
var lastProgress = drainStarted;
while (true)
{
    var progress = false;
    foreach (var reader in readers)
    {
        foreach (var line in reader.ReadNewLines())
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0] == "SUBOK" && byUser.TryGetValue(fields[4], out var confirmed) && !subscribed[confirmed])
            {
                subscribed[confirmed] = true;
                missingFinal += finalCount[confirmed] > 0 && !finalSeen[confirmed] ? 1 : 0;
                continue;
            }

            if (fields.Length == 0 || fields[0] != "NOTIFY")
            {
                continue;
            }

            if (fields.Length < 6 || !byUser.TryGetValue(fields[4], out var mailbox)
                || !decimal.TryParse(fields[3], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var epoch)
                || !long.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                malformed++;
                continue;
            }

            progress = true;
            notifies[mailbox].Add(new Notify((long)(epoch * 1_000_000m), count, fields.Length > 6 ? fields[6] : string.Empty));
            if (count == finalCount[mailbox] && !finalSeen[mailbox])
            {
                finalSeen[mailbox] = true;
                missingFinal -= subscribed[mailbox] ? 1 : 0;
            }
        }
    }

    if (progress)
    {
        lastProgress = Stopwatch.GetTimestamp();
    }

    // Done when every mailbox's newest count arrived, when nothing arrived for 5 s, or at the bound.
    if (missingFinal == 0 || Stopwatch.GetElapsedTime(lastProgress).TotalSeconds > 5
        || Stopwatch.GetElapsedTime(drainStarted).TotalSeconds > options.DrainSeconds)
    {
        break;
    }

    await Task.Delay(100);
}

var windowSeconds = Stopwatch.GetElapsedTime(measuredStarted).TotalSeconds;
var cpu1 = CpuSeconds(options.LanternPid);

// ---- run: join ----
// A change is delivered when its mailbox's subscriber got a NOTIFY carrying its count (exact) or, since a subscription has at
// most one NOTIFY in flight and sends the newest state next, a newer count (coalesced). Its latency is to the first such NOTIFY.
var latencies = new List<double>(measured);
var afterAck = new List<double>(measured);
int exact = 0, coalesced = 0, lost = 0, regressions = 0, repeats = 0, unexpected = 0, finalWrong = 0, unsubscribedChanges = 0, stale = 0, twoDialogs = 0;
var subscribedCount = subscribed.Count(static s => s);
var byMailbox = new List<int>[options.Mailboxes];
for (var i = 0; i < options.Mailboxes; i++)
{
    byMailbox[i] = [];
}

for (var j = warm; j < total; j++)
{
    if (changes[j].Posted)
    {
        byMailbox[changes[j].Mailbox].Add(j);
    }
}

for (var m = 0; m < options.Mailboxes; m++)
{
    var pendingChanges = byMailbox[m];
    if (!subscribed[m])
    {
        unsubscribedChanges += pendingChanges.Count;
        continue;
    }

    var cursor = 0;
    long newest = 0;
    // Newest count per dialog: one dialog must never go back (a defect); a subscriber whose SUBSCRIBE was answered 503 for
    // a retransmission while its first copy succeeded holds two dialogs, and their NOTIFYs interleave (stale, not a defect).
    var dialogs = new List<(string Tag, long Newest)>(1);
    foreach (var n in notifies[m])
    {
        var d = dialogs.FindIndex(x => x.Tag == n.Dialog);
        if (d < 0)
        {
            dialogs.Add((n.Dialog, n.Count));
        }
        else
        {
            regressions += n.Count < dialogs[d].Newest ? 1 : 0;
            dialogs[d] = (n.Dialog, Math.Max(n.Count, dialogs[d].Newest));
        }

        if (n.Count == newest)
        {
            repeats++;
            continue;
        }

        if (n.Count < newest)
        {
            stale++;
            continue;
        }

        newest = n.Count;
        if (n.Count > total || changes[n.Count - 1].Mailbox != m)
        {
            unexpected++;
        }

        while (cursor < pendingChanges.Count && pendingChanges[cursor] + 1 <= n.Count)
        {
            var j = pendingChanges[cursor++];
            changes[j].NotifyUs = n.TimeUs;
            if (j + 1 == n.Count)
            {
                exact++;
            }
            else
            {
                coalesced++;
            }

            latencies.Add((n.TimeUs - changes[j].SentUs) / 1000.0);
            afterAck.Add((n.TimeUs - changes[j].AckUs) / 1000.0);
        }
    }

    lost += pendingChanges.Count - cursor;
    twoDialogs += dialogs.Count > 1 ? 1 : 0;
    var last = notifies[m].Count > 0 ? notifies[m][^1].Count : 0;
    if (last != finalCount[m])
    {
        finalWrong++;
    }
}

// Batches are sent concurrently, so a slow one can be acknowledged (committed) after a later batch that changed the same
// mailbox: the store then holds the older count, last writer wins, and its NOTIFY correctly goes "back". Counted here so such
// a NOTIFY is not taken for a defect: a write acknowledged before an earlier write of the same mailbox.
var overtaken = 0;
var latestAck = new long[options.Mailboxes];
for (var j = 0; j < total; j++)
{
    ref var c = ref changes[j];
    if (c.Posted)
    {
        overtaken += latestAck[c.Mailbox] > c.AckUs ? 1 : 0;
        latestAck[c.Mailbox] = Math.Max(latestAck[c.Mailbox], c.AckUs);
    }
}

if (options.Csv is { } csv)
{
    using var writer = new StreamWriter(csv);
    writer.WriteLine("change,mailbox,sent_us,ack_us,notify_us");
    for (var j = warm; j < total; j++)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{j + 1},{MailboxUser(changes[j].Mailbox)},{changes[j].SentUs},{changes[j].AckUs},{changes[j].NotifyUs}"));
    }
}

latencies.Sort();
afterAck.Sort();
postMs.Sort();
var posted = changes.Skip(warm).Count(static c => c.Posted);
var cpu = cpu1 - cpu0;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"changes={measured} warmup_changes={warm} posted={posted} failed_posts={postFailures} offered_per_s={measured / sendSeconds:F0} send_s={sendSeconds:F1} max_send_lag_ms={maxLagMs:F0} post_ms_p50={P(postMs, 50):F1} post_ms_p99={P(postMs, 99):F1} post_ms_max={P(postMs, 100):F1}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"delivered={exact + coalesced} exact={exact} coalesced={coalesced} lost={lost} final_right={subscribedCount - finalWrong}/{subscribedCount} subscribed={subscribedCount}/{options.Mailboxes} changes_to_unsubscribed={unsubscribedChanges} regressions={regressions} stale_from_second_dialog={stale} subscribers_with_two_dialogs={twoDialogs} writes_acked_before_an_earlier_write={overtaken} repeats={repeats} unexpected={unexpected} malformed_lines={malformed}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"change_to_notify_ms p50={P(latencies, 50):F1} p90={P(latencies, 90):F1} p99={P(latencies, 99):F1} p99.9={P(latencies, 99.9):F1} max={P(latencies, 100):F1}"));
// The acknowledgement comes after the store commit, and the feed publishes at the commit, so a NOTIFY can precede it (< 0).
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ack_to_notify_ms p50={P(afterAck, 50):F1} p90={P(afterAck, 90):F1} p99={P(afterAck, 99):F1} max={P(afterAck, 100):F1}"));
if (options.LanternPid > 0)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"lantern_cpu_s={cpu:F1} lantern_cpu_pct={cpu / windowSeconds * 100:F0} lantern_cpu_us_per_change={cpu / Math.Max(1, posted) * 1e6:F0} window_s={windowSeconds:F1} rss_mib={Status(options.LanternPid, "VmRSS") / 1024.0:F0} rss_peak_mib={Status(options.LanternPid, "VmHWM") / 1024.0:F0}"));
}

return postFailures == 0 && lost == 0 && finalWrong == 0 && regressions == 0 && subscribedCount == options.Mailboxes ? 0 : 1;

static long NowUs() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;

static double P(List<double> sorted, double percent) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

// utime + stime of a process, in seconds (fields 14 and 15 of /proc/PID/stat, counted after the command name's parenthesis).
static double CpuSeconds(int pid)
{
    if (pid <= 0)
    {
        return 0;
    }

    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}

// A /proc/PID/status line in KiB (VmRSS, VmHWM).
static long Status(int pid, string key)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith(key + ":", StringComparison.Ordinal))
        {
            return long.Parse(line.AsSpan(key.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
    }

    return 0;
}

/// <summary>One change: the mailbox it set, when its batch was sent and whether it was acknowledged, when its NOTIFY came.</summary>
internal struct Change
{
    public int Mailbox;
    public long SentUs;
    public long AckUs;
    public bool Posted;
    public long NotifyUs;
}

/// <summary>A logged NOTIFY: arrival (microseconds since the epoch), the voice count it carried, Lantern's dialog tag.</summary>
internal readonly record struct Notify(long TimeUs, long Count, string Dialog);

/// <summary>Reads the complete lines a growing sipp log gained since the last call.</summary>
internal sealed class LogTail(string path)
{
    private long _offset;
    private string _partial = string.Empty;

    public List<string> ReadNewLines()
    {
        var lines = new List<string>();
        if (!File.Exists(path))
        {
            return lines;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(_offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var text = _partial + reader.ReadToEnd();
        _offset = stream.Length;
        var parts = text.Split('\n');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            lines.Add(parts[i]);
        }

        _partial = parts[^1];
        return lines;
    }
}

/// <summary>Command-line settings, each bounded so a run cannot become a soak test by accident.</summary>
internal sealed record StreamOptions(string Mode, string Server, string User, string Password, int Mailboxes, string Prefix, string Context,
    double Rate, double Seconds, double Warmup, double BatchMs, double DrainSeconds, string[] NotifyLogs, int LanternPid, string? Csv)
{
    public const int MaxInFlight = 64;

    public static StreamOptions? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("create" or "run"))
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            map[args[i]] = args[i + 1];
        }

        string Get(string key, string fallback) => map.TryGetValue(key, out var v) ? v : fallback;
        bool Number(string key, string fallback, double min, double max, out double value) =>
            double.TryParse(Get(key, fallback), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
        if (!Number("--mailboxes", "1000", 1, 100_000, out var mailboxes) || !Number("--rate", "200", 1, 20_000, out var rate)
            || !Number("--seconds", "10", 1, 300, out var seconds) || !Number("--warmup", "5", 0, 60, out var warmup) || !Number("--batch-ms", "10", 1, 1000, out var batchMs)
            || !Number("--drain-seconds", "30", 1, 300, out var drain) || !Number("--lantern-pid", "0", 0, int.MaxValue, out var pid))
        {
            return null;
        }

        var logs = Get("--notify-logs", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (args[0] == "run" && logs.Length == 0)
        {
            return null;
        }

        return new StreamOptions(args[0], Get("--server", "http://127.0.0.1:8088"), Get("--user", "admin"), Get("--password", string.Empty),
            (int)mailboxes, Get("--prefix", "u"), Get("--context", "default"), rate, seconds, warmup, batchMs, drain, logs, (int)pid,
            map.TryGetValue("--csv", out var csv) ? csv : null);
    }
}
