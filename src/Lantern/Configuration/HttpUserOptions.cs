namespace Lantern.Configuration;

/// <summary>One REST user (HTTP Basic).</summary>
public sealed class HttpUserOptions
{
    public string Name { get; set; } = string.Empty;

    public string Password { get; set; } = string.Empty;
}
