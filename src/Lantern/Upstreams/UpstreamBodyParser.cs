using Lantern.Mailboxes;

namespace Lantern.Upstreams;

/// <summary>Parses an <c>application/simple-message-summary</c> body strictly; false with a sentence naming the problem.</summary>
internal delegate bool UpstreamBodyParser(ReadOnlySpan<byte> body, out MailboxCounts counts, out string error);
