using System.Buffers;
using System.Text;
using System.Text.Json;
using Lantern.Mailboxes;
using Lantern.Phones;
using Lantern.Sip.Transport;

namespace Lantern.Tests.Phones;

public sealed class StoredSubscriptionTests
{
    public static TheoryData<SipTransportKind, string?, string?> Shapes => new()
    {
        { SipTransportKind.Udp, null, null },
        { SipTransportKind.Tcp, "1001", "1001" },
        { SipTransportKind.Wss, "ep\"<ü>", null },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Write_GivesTheSerializersJson_AndReadsBack(SipTransportKind transport, string? endpointId, string? boundKey)
    {
        var dialog = new SubscriptionDialog(
            "a84b4c76e66710@pc33.example.com", "lt1", "rt<&>1", "sip:1001@example.com", "sip:\"o'brien\"@example.com", "sip:1001@192.0.2.7:5062;transport=tcp",
            ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"], transport, "2001:db8::7", 5062, 42, "<sip:198.51.100.1:5060>");
        var target = new MwiTarget(endpointId, [
            new MwiPart([MailboxId.Parse("1001@default"), MailboxId.Parse("2002@sales")], "1001"),
            new MwiPart([MailboxId.Parse("9#1@default")], "9#1"),
        ], OmitUrgent: true);
        var sub = new Subscription(7, dialog, target, boundKey, new DateTimeOffset(2026, 12, 5, 18, 0, 0, 123, TimeSpan.Zero))
        {
            ExpiresAt = new DateTimeOffset(2026, 12, 5, 19, 0, 0, 456, TimeSpan.Zero),
            CSeqReserved = 151,
        };

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            StoredSubscription.Write(json, dialog, target, boundKey, sub.CreatedAt, sub.ExpiresAt, sub.CSeqReserved);
        }

        var written = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.Equal(StoredSubscription.From(sub).ToJson(), written);
        var read = StoredSubscription.FromJson(written);
        Assert.NotNull(read);
        Assert.True(read.TryRestore(out var restored, out var restoredTarget));
        Assert.Equal(dialog with { ConnectionId = 0 }, restored with { RouteSet = dialog.RouteSet });
        Assert.Equal(dialog.RouteSet, restored.RouteSet);
        Assert.Equal(target.Parts.Count, restoredTarget.Parts.Count);
        Assert.Equal(target.Parts[0].Mailboxes, restoredTarget.Parts[0].Mailboxes);
    }
}
