namespace Lantern.Hosting;

/// <summary>The outcome of a configuration reload: applied, or refused with every error and its path.</summary>
internal sealed record ReloadResult(bool Applied, int Endpoints, int Upstreams, int Peers, IReadOnlyList<string> Errors);
