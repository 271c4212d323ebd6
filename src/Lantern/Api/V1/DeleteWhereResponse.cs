namespace Lantern.Api.V1;

/// <summary>How many mailboxes a bulk delete removed.</summary>
internal sealed record DeleteWhereResponse(int Deleted);
