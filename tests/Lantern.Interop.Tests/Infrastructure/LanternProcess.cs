using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>Runs the built <c>lantern serve</c> as a child process on free loopback ports, with a temporary database.</summary>
internal sealed class LanternProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentBag<(string Text, TaskCompletionSource Waiter)> _waiters = [];
    private readonly ConcurrentBag<(string Text, TaskCompletionSource<long> Waiter)> _timedWaiters = [];
    private readonly ConcurrentQueue<(string Line, long SeenAt)> _seen = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LanternProcess(Process process, int sipPort, int httpPort, int amiPort, int tlsPort, string directory)
    {
        _process = process;
        SipPort = sipPort;
        TlsPort = tlsPort;
        HttpPort = httpPort;
        AmiPort = amiPort;
        Directory = directory;
    }

    public int SipPort { get; }

    /// <summary>The server's process id (for /proc readings).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the server process is still running.</summary>
    public bool IsRunning => !_exited.Task.IsCompleted;

    /// <summary>Lines the server has written so far.</summary>
    public int OutputLineCount => _output.Count;

    public int HttpPort { get; }

    /// <summary>The port substituted for {TLS_PORT} (free when picked; only listened on when the config uses it).</summary>
    public int TlsPort { get; }

    public int AmiPort { get; }

    /// <summary>The working directory holding the config file and the database.</summary>
    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "lantern.json");

    public string Output => string.Join('\n', _output);

    /// <summary>Writes <paramref name="configJson"/> (with {SIP_PORT}, {TLS_PORT}, {HTTP_PORT}, {AMI_PORT}, {DB} placeholders) and starts the server.</summary>
    /// <remarks>Ports are picked free but could be taken by a parallel test before the server binds them; a start that fails
    /// on an address in use is retried with fresh ports.</remarks>
    /// <param name="descriptorLimit">When set, the server runs under <c>prlimit --nofile=N:N</c> (util-linux).</param>
    /// <param name="httpPort">The REST port to keep (a cluster node restarted on its old ports).</param>
    /// <param name="waitReady">False returns as soon as the process runs (a node expected not to become ready yet).</param>
    /// <param name="launcher">When set, rewrites how the server is started (e.g. under a fake service manager).</param>
    public static async Task<LanternProcess> StartAsync(
        string configJson, string? directory = null, int? sipPort = null, int? descriptorLimit = null, int? httpPort = null,
        bool waitReady = true, Func<ProcessStartInfo, ProcessStartInfo>? launcher = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(configJson, directory, sipPort, descriptorLimit, httpPort, waitReady, launcher, cancellationToken);
            }
            catch (AddressInUseException) when (attempt < 3)
            {
                // Retry with fresh ports.
            }
        }
    }

    private static async Task<LanternProcess> StartOnceAsync(
        string configJson, string? directory, int? sipPort, int? descriptorLimit, int? httpPort, bool waitReady,
        Func<ProcessStartInfo, ProcessStartInfo>? launcher, CancellationToken cancellationToken)
    {
        directory ??= System.IO.Directory.CreateTempSubdirectory("lantern-interop-").FullName;
        var sip = sipPort ?? FreePorts.NextUdpAndTcp();
        var http = httpPort ?? FreePorts.NextTcp();
        var ami = FreePorts.NextTcp();
        var tls = configJson.Contains("{TLS_PORT}", StringComparison.Ordinal) ? FreePorts.NextTcp() : 0;
        var config = configJson
            .Replace("{TLS_PORT}", tls.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{SIP_PORT}", sip.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{HTTP_PORT}", http.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{AMI_PORT}", ami.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{DB}", Path.Combine(directory, "lantern.db").Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(directory, "lantern.json"), config, cancellationToken);

        var info = LanternCli.StartInfo(directory, ["serve", "--config", Path.Combine(directory, "lantern.json")], descriptorLimit);
        if (launcher is not null)
        {
            info = launcher(info);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new LanternProcess(process, sip, http, ami, tls, directory);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server._exited.TrySetResult(process.ExitCode);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!waitReady)
        {
            return server;
        }

        var first = await Task.WhenAny(server._ready.Task, server._exited.Task).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        if (first != server._ready.Task)
        {
            // The parameterless wait also drains the redirected output, so the reason is in Output.
            process.WaitForExit();
            var output = server.Output;
            process.Dispose();
            if (output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new AddressInUseException(output);
            }

            throw new InvalidOperationException("lantern exited before it was ready:\n" + output);
        }

        return server;
    }

    /// <summary>Kills the process at once (as <c>kill -9</c>), leaving its files for a restart.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>Completes when the server printed "Lantern ready" (for a start with <c>waitReady: false</c>).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes with the exit code when the process ended.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Sends SIGTERM and waits for a graceful exit.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        return await _exited.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (TimeoutException)
        {
            // Nothing more can be done; the test already failed or finished.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        var seenAt = Stopwatch.GetTimestamp();
        _output.Enqueue(line);
        _seen.Enqueue((line, seenAt));
        foreach (var (text, waiter) in _timedWaiters)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                waiter.TrySetResult(seenAt);
            }
        }

        if (line.Contains("Lantern ready", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }

        foreach (var (text, waiter) in _waiters)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                waiter.TrySetResult();
            }
        }
    }

    /// <summary>Starts watching the output for a line containing <paramref name="text"/>; await the task with a deadline.
    /// Call before the action that causes the line, so it cannot be missed.</summary>
    public Task WatchOutput(string text)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((text, waiter));
        return waiter.Task;
    }

    /// <summary>Like <see cref="WatchOutputSoFar"/>, but the task's result is the <see cref="Stopwatch"/> timestamp at which the
    /// line was read from the server's output, so the time between two lines does not include how late the test's own
    /// continuation ran (under load, hundreds of milliseconds).</summary>
    public Task<long> WatchOutputTimed(string text)
    {
        var waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _timedWaiters.Add((text, waiter));
        foreach (var (line, seenAt) in _seen)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                waiter.TrySetResult(seenAt);
                break;
            }
        }

        return waiter.Task;
    }

    /// <summary>Like <see cref="WatchOutput"/>, but also completed by a line already printed: for a line the server may print
    /// on its own before the test gets to watch (an upstream subscribing at start).</summary>
    public Task WatchOutputSoFar(string text)
    {
        var waiter = WatchOutput(text);
        if (Output.Contains(text, StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        return waiter;
    }

    /// <summary>An HTTP client for this server's REST API, signed in as the test configurations' admin user.</summary>
    public HttpClient CreateAdminClient(TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}/") };
        if (timeout is { } t)
        {
            http.Timeout = t;
        }

        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:pw")));
        return http;
    }

    /// <summary>Sends SIGHUP (configuration reload).</summary>
    public async Task HangUpAsync()
    {
        using var kill = Process.Start("kill", ["-HUP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public static string Describe(IEnumerable<string> lines)
    {
        var sb = new StringBuilder();
        foreach (var l in lines)
        {
            sb.AppendLine(l);
        }

        return sb.ToString();
    }
}
