// The follower lives here.
