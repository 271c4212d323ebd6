using System.CommandLine;

namespace Lantern.Cli;

/// <summary>The <c>lantern</c> command tree.</summary>
internal static class LanternCommandLine
{
    public static Task<int> RunAsync(string[] args) => RunAsync(args, new InvocationConfiguration(), CancellationToken.None);

    /// <summary>Parses and runs <paramref name="args"/>; a usage error is exit code 2 (System.CommandLine would say 1).</summary>
    public static async Task<int> RunAsync(string[] args, InvocationConfiguration configuration, CancellationToken cancellationToken)
    {
        var root = CreateRoot();
        // No @file response-file expansion: "@context$" is a normal regex argument here.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await configuration.Error.WriteLineAsync("lantern: " + error.Message).ConfigureAwait(false);
            }

            await configuration.Error.WriteLineAsync("Run 'lantern --help' for usage.").ConfigureAwait(false);
            return CliExitCodes.Usage;
        }

        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    internal static RootCommand CreateRoot()
    {
        var root = new RootCommand("Lantern: a Message Waiting Indication server for SIP networks.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(MwiCommand.Create());
        root.Subcommands.Add(EndpointsCommand.Create());
        root.Subcommands.Add(RegistrationsCommand.Create());
        root.Subcommands.Add(SubscriptionsCommand.Create());
        root.Subcommands.Add(UpstreamsCommand.Create());
        root.Subcommands.Add(PeersCommand.Create());
        return root;
    }
}
