using System.CommandLine;

namespace Lantern.Cli;

/// <summary>Options shared by every command that talks to a running server.</summary>
internal sealed class CliGlobalOptions
{
    public Option<string?> Server { get; } = new("--server")
    {
        Description = "Server URL (default: $LANTERN_URL, else http.listen of --config, else http://127.0.0.1:8088).",
        Recursive = true,
    };

    public Option<string?> User { get; } = new("--user")
    {
        Description = "API user (default: $LANTERN_USER, else the first http user of --config).",
        Recursive = true,
    };

    public Option<string?> Password { get; } = new("--password")
    {
        Description = "API password (default: $LANTERN_PASSWORD, else from --config).",
        Recursive = true,
    };

    public Option<FileInfo?> Config { get; } = new("--config")
    {
        Description = "Read the server address and credentials from this configuration file (default: $LANTERN_CONFIG).",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(User);
        command.Options.Add(Password);
        command.Options.Add(Config);
    }
}
