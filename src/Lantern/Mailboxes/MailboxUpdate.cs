namespace Lantern.Mailboxes;

/// <summary>A change to a mailbox's counts, applied to the current counts under the mailbox's serial owner.</summary>
public abstract record MailboxUpdate
{
    /// <summary>Computes the next counts; false with a sentence naming the problem when the result would be invalid.</summary>
    public abstract bool TryApply(MailboxCounts current, out MailboxCounts next, out string error);

    /// <summary>Replaces every class with <paramref name="counts"/>.</summary>
    public static MailboxUpdate Replace(MailboxCounts counts) => new ReplaceCounts(counts);

    /// <summary>Sets one class; null fields keep their current value.</summary>
    public static MailboxUpdate SetClass(MessageClass messageClass, int? newCount, int? oldCount, int? urgentNew, int? urgentOld) =>
        new SetClassCounts(messageClass, newCount, oldCount, urgentNew, urgentOld);

    /// <summary>Adds signed deltas per class; a result below zero or breaking the urgent rule is refused, never clamped.</summary>
    public static MailboxUpdate Delta(IReadOnlyDictionary<MessageClass, MessageCountsDelta> deltas) => new DeltaCounts(deltas);

    private sealed record ReplaceCounts(MailboxCounts Counts) : MailboxUpdate
    {
        public override bool TryApply(MailboxCounts current, out MailboxCounts next, out string error)
        {
            next = Counts;
            error = Counts.Validate() ?? string.Empty;
            return error.Length == 0;
        }
    }

    private sealed record SetClassCounts(MessageClass Class, int? New, int? Old, int? UrgentNew, int? UrgentOld) : MailboxUpdate
    {
        public override bool TryApply(MailboxCounts current, out MailboxCounts next, out string error)
        {
            var now = current.Get(Class) ?? MessageCounts.Zero;
            var counts = new MessageCounts(New ?? now.New, Old ?? now.Old, UrgentNew ?? now.UrgentNew, UrgentOld ?? now.UrgentOld);
            next = current.With(Class, counts);
            var problem = counts.Validate();
            error = problem is null ? string.Empty : $"{Class.ToString().ToLowerInvariant()}: {problem}";
            return problem is null;
        }
    }

    private sealed record DeltaCounts(IReadOnlyDictionary<MessageClass, MessageCountsDelta> Deltas) : MailboxUpdate
    {
        public override bool TryApply(MailboxCounts current, out MailboxCounts next, out string error)
        {
            next = current;
            foreach (var (cls, delta) in Deltas)
            {
                var now = next.Get(cls) ?? MessageCounts.Zero;
                if (!delta.TryApply(now, out var counts, out var problem))
                {
                    error = $"{cls.ToString().ToLowerInvariant()}: {problem}";
                    return false;
                }

                next = next.With(cls, counts);
            }

            error = string.Empty;
            return true;
        }
    }
}
