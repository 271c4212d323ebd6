namespace Lantern.Configuration;

/// <summary><c>ami</c>: the AMI-compatible TCP listener and its users.</summary>
public sealed class AmiOptions
{
    public const string DefaultListen = "127.0.0.1:5038";

    public string Listen { get; set; } = DefaultListen;

    public List<AmiUserOptions> Users { get; set; } = [];

    public int MaxConnectionsPerUser { get; set; } = 16;

    public int IdleTimeoutSeconds { get; set; } = 600;
}
