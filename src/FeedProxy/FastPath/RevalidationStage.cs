namespace FeedProxy.FastPath;

/// <summary>Where an instance of <see cref="RevalidationMiddleware"/> sits, and so when it answers.</summary>
internal enum RevalidationStage
{
    /// <summary>Before the request-log scope and the exception handler: answers unless the request log is at Debug.</summary>
    BeforeLogScope,

    /// <summary>Inside the scope, after the exception handler: answers when the request log is at Debug.</summary>
    InLogScope,
}
