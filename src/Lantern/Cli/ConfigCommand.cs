using System.CommandLine;
using Lantern.Configuration;

namespace Lantern.Cli;

/// <summary><c>lantern config check [FILE]</c>: binds and validates a configuration as the server would, without starting it.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo?>("FILE")
        {
            Description = "Configuration file (JSON). Default: $LANTERN_CONFIG, else the built-in defaults.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var noEnv = new Option<bool>("--no-env")
        {
            Description = "Ignore LANTERN__* environment variables (which the server applies on top of the file).",
        };
        var check = new Command("check", "Validate a configuration file; exit 0 valid, 1 invalid, 2 usage.") { file, noEnv };
        check.SetAction(parse => Check(
            parse.GetValue(file)?.FullName ?? Environment.GetEnvironmentVariable("LANTERN_CONFIG"),
            !parse.GetValue(noEnv),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return new Command("config", "Configuration tools.") { check };
    }

    /// <summary>Returns 0 when valid, 1 with every error printed, 2 when the file does not exist.</summary>
    public static int Check(string? file, bool includeEnvironment, TextWriter output, TextWriter error)
    {
        if (file is not null && !File.Exists(file))
        {
            error.WriteLine($"lantern: configuration file not found: {file}");
            return 2;
        }

        var errors = new List<string>();
        var warnings = new List<string>();
        var options = LanternConfigurationLoader.Load(file, includeEnvironment, errors, warnings);
        var name = file ?? "built-in defaults";
        foreach (var w in warnings)
        {
            error.WriteLine("warning: " + w);
        }

        if (errors.Count > 0)
        {
            foreach (var e in errors)
            {
                error.WriteLine(e);
            }

            error.WriteLine($"{name}: {errors.Count} error(s)");
            return 1;
        }

        output.WriteLine($"{name}: valid ({options.Endpoints.Count} endpoint(s), {options.Upstreams.Count} upstream(s), {options.Peers.Count} peer(s))");
        return 0;
    }
}
