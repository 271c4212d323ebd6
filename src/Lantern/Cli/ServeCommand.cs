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
        var command = new Command("serve", "Run the Lantern server.") { config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(config)?.FullName ?? Environment.GetEnvironmentVariable("LANTERN_CONFIG");
            return await LanternServer.RunAsync(file, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
