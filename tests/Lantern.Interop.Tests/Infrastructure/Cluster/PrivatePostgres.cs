using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Lantern.Interop.Tests.Infrastructure.Cluster;

/// <summary>A PostgreSQL server of one test's own (initdb in a temporary directory, a free loopback port), so the test can
/// restart, stop or freeze it without disturbing any other test.</summary>
/// <remarks>PostgreSQL refuses to run as root, so as root it runs as the 'postgres' system user (as scripts/pg-test-server.sh).</remarks>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    /// <summary>The variable test.sh sets when PostgreSQL is available; cluster tests run only then.</summary>
    public const string Variable = "LANTERN_TEST_POSTGRES";

    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private List<int> _frozen = [];

    private PrivatePostgres(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    /// <summary>The newest installed PostgreSQL's bin directory, or null.</summary>
    public static string? BinDirectory
    {
        get
        {
            if (!System.IO.Directory.Exists("/usr/lib/postgresql"))
            {
                return null;
            }

            string? best = null;
            var bestVersion = -1;
            foreach (var dir in System.IO.Directory.GetDirectories("/usr/lib/postgresql"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version)
                    && version > bestVersion && File.Exists(Path.Combine(dir, "bin", "postgres")))
                {
                    best = Path.Combine(dir, "bin");
                    bestVersion = version;
                }
            }

            return best;
        }
    }

    public int Port { get; }

    /// <summary>True while <see cref="FreezeAsync"/> holds the server's processes stopped.</summary>
    public bool IsFrozen => _frozen.Count > 0;

    private string DataDirectory => Path.Combine(_directory, "data");

    private static bool IsRoot => Environment.UserName == "root";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = BinDirectory ?? throw new InvalidOperationException("PostgreSQL is not installed");
        var directory = System.IO.Directory.CreateTempSubdirectory("lantern-cluster-pg-").FullName;
        if (IsRoot)
        {
            await RunAsync("sh", "-c", "id postgres >/dev/null 2>&1 || useradd -r -m postgres");
            await RunAsync("chown", "postgres", directory);
        }

        await RunAsPostgresAsync(Path.Combine(bin, "initdb"), "-D", Path.Combine(directory, "data"), "-U", "lantern", "--auth=trust", "--no-sync");
        var server = new PrivatePostgres(directory, FreePorts.NextForRestarts(udpToo: false));
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>An Npgsql connection string to <paramref name="database"/> on this server (directly, no proxy).</summary>
    public string ConnectionString(string database = "postgres") =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=lantern;Database={database}");

    /// <summary>Creates an empty database and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "lantern_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>Starts the server (after <see cref="StopAsync"/>) and waits until it accepts connections.</summary>
    public Task StartAgainAsync() => RunAsPostgresAsync(
        Path.Combine(BinDirectory!, "pg_ctl"), "-D", DataDirectory, "-l", Path.Combine(_directory, "log"), "-w", "start", "-o",
        string.Create(CultureInfo.InvariantCulture, $"-k {_directory} -p {Port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"));

    /// <summary>Stops the server at once (<c>-m immediate</c>: no checkpoint, every session cut, as a crash).</summary>
    public Task StopAsync() => RunAsPostgresAsync(Path.Combine(BinDirectory!, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");

    /// <summary>A crash-like restart: every session is cut and the server comes back on the same port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    /// <summary>SIGSTOP to the postmaster and all its children: connections stay open but nothing answers (as a hung host).</summary>
    public async Task FreezeAsync()
    {
        if (IsFrozen)
        {
            return;
        }

        var postmaster = PostmasterProcessId();
        var pids = new List<int> { postmaster };
        pids.AddRange(Descendants(postmaster));
        _frozen = pids;
        await SignalAsync("-STOP", pids);
    }

    /// <summary>SIGCONT to the processes <see cref="FreezeAsync"/> stopped.</summary>
    public async Task ThawAsync()
    {
        if (!IsFrozen)
        {
            return;
        }

        var pids = _frozen;
        _frozen = [];
        await SignalAsync("-CONT", pids);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ThawAsync();
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary directory is left behind.
        }
    }

    private int PostmasterProcessId()
    {
        var first = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First();
        return int.Parse(first, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    // Every process whose parent chain leads to root, from /proc (a frozen postmaster forks nothing new).
    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in System.IO.Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
        }

        var result = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent)
                {
                    result.Add(pid);
                    frontier.Enqueue(pid);
                }
            }
        }

        return result;
    }

    private static Task SignalAsync(string signal, List<int> pids)
    {
        var args = new List<string> { signal };
        foreach (var pid in pids)
        {
            args.Add(pid.ToString(CultureInfo.InvariantCulture));
        }

        // A backend may exit between listing and signalling; kill still signals the others and reports only that one.
        return RunAsync("kill", [.. args], static stderr => IsOnlyNoSuchProcess(stderr));
    }

    private static bool IsOnlyNoSuchProcess(string stderr)
    {
        foreach (var line in stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.EndsWith("No such process", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static Task RunAsPostgresAsync(string file, params string[] args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args]) : RunAsync(file, args);

    private static Task RunAsync(string file, params string[] args) => RunAsync(file, args, tolerated: null);

    private static async Task RunAsync(string file, string[] args, Func<string, bool>? tolerated)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandDeadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {CommandDeadline}");
        }

        if (process.ExitCode != 0 && (tolerated is null || !tolerated(await error)))
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
