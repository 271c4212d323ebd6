using System.Diagnostics;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>Runs the built <c>lantern</c> with arguments to its exit (a CLI command, or a <c>serve</c> expected to fail).</summary>
internal static class LanternCli
{
    /// <summary>Exit code and everything printed (standard output, then standard error); the process is killed past the deadline.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string workingDirectory, TimeSpan deadline, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"lantern {string.Join(' ', args)} did not exit within {deadline}:\n{await output}\n{await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>Start info for the built <c>lantern.dll</c> with <paramref name="args"/>: output redirected, workstation GC, and
    /// with <paramref name="descriptorLimit"/> run under <c>prlimit --nofile</c>.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args, int? descriptorLimit = null)
    {
        var info = new ProcessStartInfo(descriptorLimit is null ? "dotnet" : "prlimit")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (descriptorLimit is { } limit)
        {
            // prlimit execs the command, so the process id stays the server's.
            info.ArgumentList.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--nofile={limit}:{limit}"));
            info.ArgumentList.Add("dotnet");
        }

        // LANTERN_SERVER_DLL runs another build (bench/security/measure.sh points it at the commit before a fix).
        var dll = Environment.GetEnvironmentVariable("LANTERN_SERVER_DLL");
        info.ArgumentList.Add(string.IsNullOrEmpty(dll) ? Path.Combine(AppContext.BaseDirectory, "lantern.dll") : dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        return info;
    }
}
