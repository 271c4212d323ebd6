namespace Lantern.Cli;

/// <summary>Exit codes of every client command.</summary>
internal static class CliExitCodes
{
    public const int Ok = 0;
    public const int Refused = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
}
