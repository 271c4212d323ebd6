using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Lantern.Interop.Tests.Infrastructure.Cluster;
using Xunit.Abstractions;

namespace Lantern.Interop.Tests.Cluster;

/// <summary>Issue 11's randomized chaos test: 3 nodes, phones on each, random PUT/PATCH over REST spread over the nodes,
/// random faults (kill -9 + restart, PostgreSQL restart, freeze/thaw, COMMIT reply dropped); then the invariants.</summary>
/// <remarks>Seeded: LANTERN_CHAOS_SEED replays a run, LANTERN_CHAOS_SECONDS lengthens the fault phase
/// (bench/cluster/chaos.sh). The seed is printed first so a failing CI run can be replayed.</remarks>
public sealed class ClusterChaosTests
{
    private const int LeaseMilliseconds = 1500;
    private const int Mailboxes = 6;
    private const int DefaultSeconds = 35;
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(20);

    // A NOTIFY already on the wire when the un-SUBSCRIBE was answered is not "after" it.
    private static readonly TimeSpan InFlightGrace = TimeSpan.FromMilliseconds(250);

    private readonly ITestOutputHelper _output;

    public ClusterChaosTests(ITestOutputHelper output) => _output = output;

    [ClusterFact]
    public async Task Chaos_RandomWritesAndFaults_NoLostWrite_PhonesFollow_OneSenderPerDialog()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LANTERN_CHAOS_SEED"), CultureInfo.InvariantCulture, out var s)
            ? s
            : Random.Shared.Next();
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("LANTERN_CHAOS_SECONDS"), CultureInfo.InvariantCulture, out var d)
            ? d
            : DefaultSeconds;
        Log($"chaos seed {seed} (replay: LANTERN_CHAOS_SEED={seed}), fault phase {seconds} s");

        var endpoints = new StringBuilder();
        for (var m = 0; m < Mailboxes; m++)
        {
            endpoints.Append(m == 0 ? "" : ", ").Append(ClusterPhone.Endpoint(User(m), User(m) + "@default"));
        }

        await using var cluster = await LanternCluster.StartAsync(
            3, "\"endpoints\": [ " + endpoints + " ]", proxied: true,
            storeSettings: string.Create(CultureInfo.InvariantCulture, $"\"leaseMilliseconds\": {LeaseMilliseconds}"));
        var models = new MailboxModel[Mailboxes];
        for (var m = 0; m < Mailboxes; m++)
        {
            models[m] = new MailboxModel(User(m) + "@default");
            var put = await ClusterRest.PutVoiceAsync(cluster[m % 3], models[m].Id, 0, 0);
            for (var attempt = 1; (put.Status is null or HttpStatusCode.ServiceUnavailable) && attempt < 5; attempt++)
            {
                // Before any fault, a 503 or no answer is the store missing its command timeout on a loaded machine (seen 3
                // times in 8 runs at load average 25 on 2 cores), not a finding; repeating a PUT is harmless.
                await Task.Delay(500);
                put = await ClusterRest.PutVoiceAsync(cluster[m % 3], models[m].Id, 0, 0);
            }

            Assert.True(put.Status == HttpStatusCode.OK, $"{put.Status} {put.Body}");
        }

        // Two phones per mailbox, on different nodes, so every node has phones of its own.
        var phones = new List<(ClusterPhone Phone, int Mailbox, int Node)>();
        try
        {
            for (var m = 0; m < Mailboxes; m++)
            {
                foreach (var node in new[] { m % 3, (m + 1) % 3 })
                {
                    phones.Add((await ClusterPhone.SubscribeAsync(cluster[node].SipPort, User(m)), m, node));
                }
            }

            var failures = new ConcurrentQueue<string>();
            var faults = new ConcurrentQueue<string>();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var writers = new List<Task>();
            for (var m = 0; m < Mailboxes; m++)
            {
                writers.Add(WriteAsync(cluster, models[m], new Random(seed + 1 + m), failures, stop.Token));
            }

            var faulting = FaultAsync(cluster, new Random(seed), faults, stop.Token);
            var unsubscribing = UnsubscribeAsync(cluster, phones, new Random(seed + 100), stop.Token);
            await Task.WhenAll(writers);
            await faulting;
            var unsubscribed = await unsubscribing;

            // Faults stopped: everything back up, then the invariants once things have settled.
            if (cluster.Postgres.IsFrozen)
            {
                await cluster.Postgres.ThawAsync();
            }

            foreach (var node in cluster.Nodes)
            {
                node.Proxy!.Thaw();
                if (!node.IsRunning)
                {
                    await node.StartAsync();
                }
            }

            var writes = 0;
            var unknown = 0;
            foreach (var model in models)
            {
                writes += model.Acknowledged;
                unknown += model.Unknown;
            }

            Log($"chaos: {writes} acknowledged writes, {unknown} with unknown outcome, {faults.Count} faults: {string.Join(", ", faults)}");
            foreach (var failure in failures)
            {
                Log("write failure: " + failure);
            }

            var finals = new string[Mailboxes];
            for (var m = 0; m < Mailboxes; m++)
            {
                finals[m] = await SettledVoiceAsync(cluster, models[m]);
            }

            foreach (var (phone, m, node) in phones)
            {
                if (unsubscribed.Contains(phone))
                {
                    continue;
                }

                try
                {
                    await phone.WaitVoiceAsync(finals[m], SettleDeadline);
                }
                catch (TimeoutException ex)
                {
                    failures.Enqueue($"phone of {models[m].Id} subscribed on node {node}: {ex.Message}; {Describe(phone)}");
                }
            }

            foreach (var (phone, m, node) in phones)
            {
                CheckOneSender(phone, $"phone of {models[m].Id} (node {node})", failures);
                if (phone.UnsubscribedAt is { } at)
                {
                    foreach (var n in phone.Notifies)
                    {
                        if (!n.Terminated && n.At > at + InFlightGrace)
                        {
                            failures.Enqueue($"phone of {models[m].Id} (node {node}) got a NOTIFY CSeq {n.CSeq} from port {n.FromPort} " +
                                $"{(n.At - at).TotalMilliseconds:F0} ms after its unsubscribe was answered");
                        }
                    }
                }
            }

            Assert.True(failures.IsEmpty, $"seed {seed}:\n{string.Join("\n", failures)}\n{cluster.Describe()}");
        }
        finally
        {
            foreach (var (phone, _, _) in phones)
            {
                await phone.DisposeAsync();
            }
        }
    }

    private static string User(int mailbox) => (3001 + mailbox).ToString(CultureInfo.InvariantCulture);

    /// <summary>One writer per mailbox, so its writes have an order; each goes to a random node.</summary>
    private static async Task WriteAsync(LanternCluster cluster, MailboxModel model, Random random, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var node = cluster[random.Next(3)];
            var put = random.Next(10) < 4 || model.Possible.Count > 64;
            if (!node.IsRunning)
            {
                // Down between a kill and its restart: a write there is refused for certain, it proves nothing.
            }
            else if (put)
            {
                var n = random.Next(6);
                var o = random.Next(4);
                var (status, body) = await ClusterRest.PutVoiceAsync(node, model.Id, n, o, TimeSpan.FromSeconds(5));
                model.Record(status, body, $"PUT {n}/{o} on node {node.Index}", _ => (n, o), failures);
            }
            else
            {
                var delta = MinNew(model) >= 1 && random.Next(3) == 0 ? -1 : random.Next(1, 3);
                var (status, body) = await ClusterRest.PatchVoiceAsync(node, model.Id, delta, TimeSpan.FromSeconds(5));
                model.Record(status, body, $"PATCH {delta:+0;-0} on node {node.Index}", v => (v.New + delta, v.Old), failures);
            }

            try
            {
                await Task.Delay(random.Next(20, 150), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static int MinNew(MailboxModel model)
    {
        var min = int.MaxValue;
        foreach (var v in model.Possible)
        {
            min = Math.Min(min, v.New);
        }

        return min;
    }

    /// <summary>One fault at a time, 1.5–4 s apart; at most one node down, so a survivor can take its dialogs over.</summary>
    private async Task FaultAsync(LanternCluster cluster, Random random, ConcurrentQueue<string> faults, CancellationToken stop)
    {
        while (true)
        {
            try
            {
                await Task.Delay(random.Next(1500, 4000), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var node = cluster[random.Next(3)];
            var clock = Stopwatch.StartNew();
            string what;
            switch (random.Next(4))
            {
                case 0:
                    await node.KillAsync();
                    await Task.Delay(random.Next(500, 3000), CancellationToken.None); // down for a while: its leases expire (or not)
                    await node.StartAsync();
                    what = $"kill -9 + restart node {node.Index}";
                    break;
                case 1:
                    await cluster.Postgres.RestartAsync();
                    what = "PostgreSQL restart";
                    break;
                case 2:
                    await cluster.Postgres.FreezeAsync();
                    await Task.Delay(random.Next(300, 2500), CancellationToken.None); // frozen for a while
                    await cluster.Postgres.ThawAsync();
                    what = "PostgreSQL freeze/thaw";
                    break;
                default:
                    _ = node.Proxy!.DropNextCommitReply();
                    what = $"COMMIT reply drop armed on node {node.Index}";
                    break;
            }

            faults.Enqueue(what);
            Log($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} fault: {what} ({clock.ElapsedMilliseconds} ms)");
        }
    }

    /// <summary>Unsubscribes a few random phones during the run (when their node is up); returns those whose
    /// unsubscribe outcome is not a clean <c>200</c> too, as their final lamp is not checked.</summary>
    private static async Task<HashSet<ClusterPhone>> UnsubscribeAsync(LanternCluster cluster, List<(ClusterPhone Phone, int Mailbox, int Node)> phones, Random random, CancellationToken stop)
    {
        var gone = new HashSet<ClusterPhone>();
        for (var i = 0; i < 3; i++)
        {
            try
            {
                await Task.Delay(random.Next(3000, 9000), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var (phone, _, node) = phones[random.Next(phones.Count)];
            if (gone.Contains(phone) || !cluster[node].IsRunning)
            {
                continue;
            }

            gone.Add(phone);
            try
            {
                await phone.RefreshAsync(0);
            }
            catch (TimeoutException)
            {
                // Node killed meanwhile: the unsubscribe's outcome is unknown; only UnsubscribedAt (a 200) is checked.
            }
        }

        return gone;
    }

    /// <summary>Waits until every node serves one value, and that value is one the acknowledged writes allow.</summary>
    private static async Task<string> SettledVoiceAsync(LanternCluster cluster, MailboxModel model)
    {
        var clock = Stopwatch.StartNew();
        var seen = new string?[3];
        while (true)
        {
            for (var i = 0; i < 3; i++)
            {
                seen[i] = await ClusterRest.VoiceAsync(cluster[i], model.Id);
            }

            if (seen[0] is not null && seen[0] == seen[1] && seen[1] == seen[2] && model.Allows(seen[0]!))
            {
                return seen[0]!;
            }

            if (clock.Elapsed > SettleDeadline)
            {
                throw new Xunit.Sdk.XunitException(
                    $"{model.Id}: nodes serve {string.Join(" | ", seen)}; acknowledged writes allow only {model.DescribePossible()}\n" +
                    $"last writes:\n{model.History()}\n{cluster.Describe()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Two nodes notifying one dialog at once shows as a CSeq going back (a takeover continues above the last sent).</summary>
    private static void CheckOneSender(ClusterPhone phone, string who, ConcurrentQueue<string> failures)
    {
        long max = -1;
        var maxPort = 0;
        var seen = new HashSet<(int Port, long CSeq)>();
        foreach (var n in phone.Notifies)
        {
            if (!seen.Add((n.FromPort, n.CSeq)))
            {
                continue; // a retransmission
            }

            if (n.CSeq <= max && n.FromPort != maxPort)
            {
                failures.Enqueue($"{who}: NOTIFY CSeq {n.CSeq} from port {n.FromPort} after CSeq {max} from port {maxPort}: two senders for dialog {phone.CallId}; {Describe(phone)}");
                return;
            }

            if (n.CSeq > max)
            {
                max = n.CSeq;
                maxPort = n.FromPort;
            }
        }
    }

    private static string Describe(ClusterPhone phone)
    {
        var sb = new StringBuilder("NOTIFYs:");
        foreach (var n in phone.Notifies)
        {
            sb.Append(CultureInfo.InvariantCulture, $" [{n.At:HH:mm:ss.fff} :{n.FromPort} #{n.CSeq} {n.Voice}{(n.Terminated ? " terminated" : "")}]");
        }

        return sb.ToString();
    }

    private void Log(string line)
    {
        _output.WriteLine(line);
        Console.WriteLine(line);
    }

    /// <summary>What a mailbox may hold given the writes so far: one value after an acknowledged PUT, more after a write
    /// whose outcome is unknown (503, timeout, connection cut: it may or may not have been stored).</summary>
    private sealed class MailboxModel(string id)
    {
        private readonly ConcurrentQueue<string> _history = new();

        public string Id { get; } = id;

        public HashSet<(int New, int Old)> Possible { get; private set; } = [(0, 0)];

        public int Acknowledged { get; private set; }

        public int Unknown { get; private set; }

        public void Record(HttpStatusCode? status, string body, string write, Func<(int New, int Old), (int New, int Old)> apply, ConcurrentQueue<string> failures)
        {
            var next = new HashSet<(int New, int Old)>();
            foreach (var v in Possible)
            {
                next.Add(apply(v));
            }

            if (status == HttpStatusCode.OK)
            {
                Acknowledged++;
                Possible = next;
            }
            else if (status is null or HttpStatusCode.ServiceUnavailable)
            {
                Unknown++;
                Possible.UnionWith(next);
            }
            else
            {
                // A write without a precondition must not be refused (issue 11 item 4); nothing was written.
                failures.Enqueue($"{Id}: {write} answered {(int)status} {body}");
            }

            _history.Enqueue($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {write}: {(status is null ? "no answer" : ((int)status).ToString(CultureInfo.InvariantCulture))} {Trim(body)}");
            while (_history.Count > 12)
            {
                _history.TryDequeue(out _);
            }
        }

        public bool Allows(string voice)
        {
            foreach (var v in Possible)
            {
                if (voice == string.Create(CultureInfo.InvariantCulture, $"{v.New}/{v.Old} (0/0)"))
                {
                    return true;
                }
            }

            return false;
        }

        public string DescribePossible()
        {
            var parts = new List<string>();
            foreach (var v in Possible)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{v.New}/{v.Old}"));
            }

            return string.Join(", ", parts);
        }

        public string History() => string.Join("\n", _history);

        private static string Trim(string body) => body.Length > 160 ? body[..160] : body;
    }
}
