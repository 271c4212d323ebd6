using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Lantern.Interop.Tests.Infrastructure.Cluster;

/// <summary>Debian's <c>kamailio</c> (test.sh installs it) running <c>examples/kamailio/kamailio.cfg</c> unprivileged on a
/// loopback UDP port chosen at run time, its dispatcher list and run directory in a temporary directory of its own.</summary>
internal sealed class KamailioProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private KamailioProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The installed binary, or null.</summary>
    public static string? Binary => new[] { "/usr/sbin/kamailio", "/usr/local/sbin/kamailio" }.FirstOrDefault(File.Exists);

    /// <summary>Starts Kamailio in front of <paramref name="nodeSipPorts"/> (UDP on 127.0.0.1).</summary>
    public static KamailioProcess Start(IEnumerable<int> nodeSipPorts)
    {
        var binary = Binary ?? throw new InvalidOperationException("kamailio is not installed (test.sh installs the Debian package kamailio)");
        var directory = Directory.CreateTempSubdirectory("lantern-kamailio-").FullName;
        var port = FreePorts.NextUdpAndTcp();
        var list = new StringBuilder();
        foreach (var p in nodeSipPorts)
        {
            list.Append(CultureInfo.InvariantCulture, $"1 sip:127.0.0.1:{p}\n");
        }

        File.WriteAllText(Path.Combine(directory, "dispatcher.list"), list.ToString());
        var config = File.ReadAllText(ExampleConfig())
            .Replace("udp:127.0.0.1:5060", $"udp:127.0.0.1:{port}", StringComparison.Ordinal)
            .Replace("/etc/kamailio/dispatcher.list", Path.Combine(directory, "dispatcher.list"), StringComparison.Ordinal)
            .Replace("/run/kamailio", directory, StringComparison.Ordinal);
        var configPath = Path.Combine(directory, "kamailio.cfg");
        File.WriteAllText(configPath, config);
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        // -DD: stay in the foreground (children still fork), so killing this process tree ends it; -E: log to stderr.
        foreach (var a in new[] { "-f", configPath, "-DD", "-E", "-P", Path.Combine(directory, "kamailio.pid"), "-m", "64", "-M", "8" })
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("kamailio did not start");
        var k = new KamailioProcess(process, directory, port);
        process.OutputDataReceived += (_, e) => k.Append(e.Data);
        process.ErrorDataReceived += (_, e) => k.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return k;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Left to the operating system.
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left behind in the temporary directory.
        }
    }

    private static string ExampleConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "kamailio", "kamailio.cfg");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("examples/kamailio/kamailio.cfg not found above " + AppContext.BaseDirectory);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 200_000)
            {
                _output.AppendLine(line);
            }
        }
    }
}
