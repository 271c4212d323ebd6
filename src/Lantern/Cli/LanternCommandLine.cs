using System.CommandLine;

namespace Lantern.Cli;

/// <summary>The <c>lantern</c> command tree.</summary>
internal static class LanternCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Lantern: a Message Waiting Indication server for SIP networks.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        var parse = root.Parse(args);
        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
