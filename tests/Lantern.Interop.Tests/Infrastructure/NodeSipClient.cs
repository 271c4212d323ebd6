using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>A SIP library (JsSIP, SIP.js) run under node from <c>tests/Lantern.Interop.Tests/WebSocket/node</c>, whose
/// packages test.sh installs with <c>npm ci</c>; each event is one stdout line the test waits for.</summary>
internal sealed class NodeSipClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly StringBuilder _errors = new();

    private NodeSipClient(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue(e.Data);
                _arrived.Release();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The folder holding package.json and the client scripts, in the source tree.</summary>
    public static string Folder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lantern.slnx")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? ".", "tests", "Lantern.Interop.Tests", "WebSocket", "node");
        }
    }

    /// <summary>Null when node and the npm packages are there, else what is missing.</summary>
    public static string? Missing()
    {
        if (!File.Exists("/usr/bin/node") && !File.Exists("/usr/local/bin/node"))
        {
            return "node is not installed (test.sh installs nodejs)";
        }

        return Directory.Exists(Path.Combine(Folder, "node_modules", "jssip")) && Directory.Exists(Path.Combine(Folder, "node_modules", "sip.js"))
            ? null
            : $"the npm packages are not installed: run ./test.sh, or npm ci in {Folder}";
    }

    /// <summary>Everything printed so far, for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_errors)
            {
                return string.Join('\n', _lines) + "\n--- stderr ---\n" + _errors;
            }
        }
    }

    public static NodeSipClient Start(string script, string url, string user, string password, string domain, string? caPath, string? origin)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { script, url, user, password, domain, caPath ?? "-", origin ?? "-" })
        {
            info.ArgumentList.Add(a);
        }

        return new NodeSipClient(Process.Start(info)!);
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/> (lines before it are consumed); fails past the deadline.</summary>
    public async Task<string> WaitForAsync(string prefix, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (true)
        {
            while (_lines.TryDequeue(out var line))
            {
                _seen.Add(line);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }

            try
            {
                await _arrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no \"{prefix}\" from node within {deadline}; seen:\n{string.Join('\n', _seen)}\n{Transcript}");
            }
        }
    }

    private readonly List<string> _seen = [];

    /// <summary>Closing stdin asks the client to unsubscribe and stop; it is killed if it does not exit in time.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _arrived.Dispose();
    }
}
