"""Program administration: partners, channel links and roles, in chat and for operators."""
