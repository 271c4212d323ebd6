using Lantern.Cli;

return await LanternCommandLine.RunAsync(args).ConfigureAwait(false);
