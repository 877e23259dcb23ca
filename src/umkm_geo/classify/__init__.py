"""Classification: class breaks and the symbology shared by the PNG, the atlas and the report."""
