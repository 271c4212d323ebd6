using System.Text;
using Lantern.Mailboxes;

namespace Lantern.Ami;

/// <summary>The packets the server sends, in Asterisk's field order (Response, ActionID, then the rest).</summary>
internal static class AmiMessages
{
    /// <summary>Sent once on connect; clients check the prefix, the version is Asterisk 18's manager version.</summary>
    public const string Banner = "Asterisk Call Manager/7.0.3\r\n";

    public static byte[] BannerBytes() => Encoding.ASCII.GetBytes(Banner);

    public static byte[] Success(string? actionId, string? message)
    {
        var b = new AmiMessageBuilder().Add("Response", "Success").AddActionId(actionId);
        if (message is not null)
        {
            b.Add("Message", message);
        }

        return b.ToBytes();
    }

    public static byte[] Error(string? actionId, string message) =>
        new AmiMessageBuilder().Add("Response", "Error").AddActionId(actionId).Add("Message", message).ToBytes();

    /// <summary>The login's FullyBooted, fields in Asterisk's order (manager.c): Uptime and LastReload in whole seconds.</summary>
    public static byte[] FullyBooted(long uptimeSeconds, long lastReloadSeconds) =>
        new AmiMessageBuilder().Add("Event", "FullyBooted").Add("Privilege", "system,all")
            .Add("Uptime", uptimeSeconds).Add("LastReload", lastReloadSeconds).Add("Status", "Fully Booted").ToBytes();

    public static byte[] Goodbye(string? actionId) =>
        new AmiMessageBuilder().Add("Response", "Goodbye").AddActionId(actionId).Add("Message", "Thanks for all the fish.").ToBytes();

    /// <summary>The change event; New/Old are the voice counts, Waiting covers every class, a deletion reads as all zero.</summary>
    public static byte[] MessageWaiting(MailboxChange change)
    {
        var deleted = change.Kind == MailboxChangeKind.Deleted;
        var voice = deleted ? MessageCounts.Zero : change.Mailbox.Counts.Voice;
        var waiting = !deleted && change.Mailbox.Waiting;
        return new AmiMessageBuilder()
            .Add("Event", "MessageWaiting")
            .Add("Privilege", "call,all")
            .Add("Mailbox", change.Mailbox.Id.ToString())
            .Add("Waiting", waiting ? 1 : 0)
            .Add("New", voice.New)
            .Add("Old", voice.Old)
            .ToBytes();
    }

    /// <summary>Asterisk's res_mwi_devstate device: <c>MWI:mailbox@context</c>, in use while there are new voice messages.</summary>
    public static byte[] DeviceStateChange(MailboxId mailbox, bool inUse) =>
        new AmiMessageBuilder()
            .Add("Event", "DeviceStateChange")
            .Add("Privilege", "call,all")
            .Add("Device", "MWI:" + mailbox.ToString())
            .Add("State", inUse ? "INUSE" : "NOT_INUSE")
            .ToBytes();
}
