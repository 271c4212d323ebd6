using System.Diagnostics;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>Runs sipp scenarios from <c>Scenarios/</c> against loopback targets, always bounded in calls and time.</summary>
internal static class Sipp
{
    public static bool IsInstalled => File.Exists("/usr/bin/sipp") || File.Exists("/usr/local/bin/sipp");

    public static string ScenarioPath(string name) => Path.Combine(AppContext.BaseDirectory, "Scenarios", name);

    /// <summary>Runs sipp as a client against 127.0.0.1:<paramref name="port"/>; returns the exit code and its logs.</summary>
    public static async Task<SippResult> RunClientAsync(string scenario, int port, string transport, IEnumerable<string> extraArgs, int calls = 1, CancellationToken cancellationToken = default)
    {
        var outDir = Directory.CreateTempSubdirectory("sipp-").FullName;
        var args = new List<string>
        {
            "-sf", ScenarioPath(scenario),
            "127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-i", "127.0.0.1",
            "-t", transport == "tcp" ? "t1" : "u1",
            "-m", calls.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-timeout", "30s", "-timeout_error",
            "-recv_timeout", "10000",
            "-default_behaviors", "all,-bye",
            "-nostdin",
            "-trace_err", "-error_file", Path.Combine(outDir, "errors.log"),
            "-trace_msg", "-message_file", Path.Combine(outDir, "messages.log"),
        };
        args.AddRange(extraArgs);
        return await RunAsync(args, outDir, cancellationToken);
    }

    public static async Task<SippResult> RunAsync(IReadOnlyList<string> args, string outDir, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("sipp")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = outDir,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var messages = ReadIfExists(Path.Combine(outDir, "messages.log"));
        var errors = ReadIfExists(Path.Combine(outDir, "errors.log"));
        return new SippResult(process.ExitCode, await stdout + await stderr, messages, errors);
    }

    private static string ReadIfExists(string path) => File.Exists(path) ? File.ReadAllText(path) : string.Empty;
}
