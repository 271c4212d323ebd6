using System.CommandLine;
using Lantern.Hosting;

namespace Lantern.Cli;

/// <summary><c>lantern serve [--config FILE]</c>: runs the server until Ctrl-C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config")
        {
            Description = "Configuration file (JSON). Default: $LANTERN_CONFIG, else built-in defaults.",
        };
        var logFormat = new Option<string?>("--log-format")
        {
            Description = "Console log format: text (one line per event) or json (one JSON object per line). Overrides logging.format.",
        };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var command = new Command("serve", "Run the Lantern server.") { config, logFormat };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(config)?.FullName ?? Environment.GetEnvironmentVariable("LANTERN_CONFIG");
            List<KeyValuePair<string, string?>> overrides = [];
            if (parse.GetValue(logFormat) is { } format)
            {
                overrides.Add(new("logging:format", format));
            }

            return await LanternServer.RunAsync(file, overrides, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
