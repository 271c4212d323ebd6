namespace Lantern.Ami;

/// <summary>An authenticated AMI user as a session sees it.</summary>
internal sealed record AmiUser(string Name, bool Write);
