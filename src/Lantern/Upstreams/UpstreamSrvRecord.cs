namespace Lantern.Upstreams;

/// <summary>One DNS SRV answer (RFC 2782): where a SIP service for a domain lives.</summary>
internal readonly record struct UpstreamSrvRecord(string Target, int Port, int Priority, int Weight);
