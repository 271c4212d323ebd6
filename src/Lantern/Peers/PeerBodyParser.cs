using Lantern.Mailboxes;

namespace Lantern.Peers;

/// <summary>Parses an <c>application/simple-message-summary</c> body strictly; false with a sentence naming the problem.</summary>
internal delegate bool PeerBodyParser(ReadOnlySpan<byte> body, out MailboxCounts counts, out string error);
