"""Company records as both sides see them: field kinds and their cleaning rules, the fields of each
record kind, the list views and the money rules of sales orders (``amounts``). The Business
Software registers and the Online Desktop edit the same records with these same rules; neither
side's database models are imported here.
"""
