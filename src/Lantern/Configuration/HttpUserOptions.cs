namespace Lantern.Configuration;

/// <summary>One REST user (HTTP Basic).</summary>
public sealed class HttpUserOptions
{
    public string Name { get; set; } = string.Empty;

    public string Password { get; set; } = string.Empty;

    /// <summary>False: read-only (the API refuses every write with 403, the console hides its write actions).</summary>
    public bool Write { get; set; } = true;
}
