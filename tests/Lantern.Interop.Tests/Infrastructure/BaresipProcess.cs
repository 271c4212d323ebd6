using System.Diagnostics;
using System.Globalization;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>Runs Debian's baresip 1.0 headless as a phone: a private config directory with only the account, menu (which prints
/// MWI NOTIFY bodies) and mwi modules, SIP on a free loopback port, and a self-imposed run-time limit.</summary>
internal sealed class BaresipProcess : IAsyncDisposable
{
    private const string ModulePath = "/usr/lib/baresip/modules";

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<(string First, string Then, TaskCompletionSource Waiter)> _waiters = [];

    private BaresipProcess(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    public static bool IsInstalled => File.Exists("/usr/bin/baresip") && File.Exists(Path.Combine(ModulePath, "mwi.so"));

    /// <summary>The config directory (<c>config</c>, <c>accounts</c>).</summary>
    public string Directory { get; }

    /// <summary>Everything baresip printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts baresip with one account line, e.g. <c>&lt;sip:1001@127.0.0.1:5060&gt;;auth_pass=x</c>. It quits by itself
    /// after <paramref name="lifetimeSeconds"/> so a test that dies cannot leave it running.</summary>
    public static BaresipProcess Start(string account, int lifetimeSeconds = 60)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("baresip-").FullName;
        var port = FreePorts.NextUdpAndTcpWithNextTcp().ToString(CultureInfo.InvariantCulture);
        // No audio, video or UI modules: the phone only registers, subscribes and logs; menu.so is what prints MWI bodies.
        File.WriteAllText(Path.Combine(directory, "config"), $"""
            poll_method		epoll
            sip_listen		127.0.0.1:{port}
            module_path		{ModulePath}
            module			account.so
            module			menu.so
            module			mwi.so

            """);
        File.WriteAllText(Path.Combine(directory, "accounts"), account + "\n");

        var info = new ProcessStartInfo("baresip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var a in new[] { "-f", directory, "-t", lifetimeSeconds.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = info };
        var baresip = new BaresipProcess(process, directory);
        process.OutputDataReceived += (_, e) => baresip.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => baresip.OnLine(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return baresip;
    }

    /// <summary>Completes when a line containing <paramref name="then"/> directly follows one containing <paramref name="first"/>
    /// (also when that already happened). The menu module prints an MWI NOTIFY as a <c>----- MWI for …</c> line and then the body.</summary>
    public Task WhenLines(string first, string then)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            for (var i = 0; i < _lines.Count; i++)
            {
                var previous = i > 0 ? _lines[i - 1] : string.Empty;
                if (previous.Contains(first, StringComparison.Ordinal) && _lines[i].Contains(then, StringComparison.Ordinal))
                {
                    waiter.TrySetResult();
                    return waiter.Task;
                }
            }

            _waiters.Add((first, then, waiter));
        }

        return waiter.Task;
    }

    /// <summary>Completes when a line containing <paramref name="text"/> is printed (also when it already was).</summary>
    public Task WhenLine(string text) => WhenLines(string.Empty, text);

    /// <summary>How many printed lines contain <paramref name="text"/>.</summary>
    public int Count(string text)
    {
        lock (_lock)
        {
            var n = 0;
            foreach (var l in _lines)
            {
                if (l.Contains(text, StringComparison.Ordinal))
                {
                    n++;
                }
            }

            return n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        catch (TimeoutException)
        {
            // Nothing more can be done; -t ends it in the end.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            var previous = _lines.Count > 0 ? _lines[^1] : string.Empty;
            _lines.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var (first, then, waiter) = _waiters[i];
                if (previous.Contains(first, StringComparison.Ordinal) && line.Contains(then, StringComparison.Ordinal))
                {
                    waiter.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
