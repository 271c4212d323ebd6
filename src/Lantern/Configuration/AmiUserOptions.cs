namespace Lantern.Configuration;

/// <summary>One AMI user.</summary>
public sealed class AmiUserOptions
{
    public string Name { get; set; } = string.Empty;

    public string Secret { get; set; } = string.Empty;

    /// <summary>May change mailboxes (MWIUpdate, MWIDelete); read-only otherwise.</summary>
    public bool Write { get; set; } = true;
}
