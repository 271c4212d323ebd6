namespace Lantern.Cli;

/// <summary>The server could not be reached (refused, DNS, TLS, timeout): exit code 3.</summary>
internal sealed class CliUnreachableException : Exception
{
    public CliUnreachableException()
    {
    }

    public CliUnreachableException(string message)
        : base(message)
    {
    }

    public CliUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
