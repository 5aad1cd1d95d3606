# The research consent lives in ConsentRecord now (0006 carried the "yes" values over). In a
# migration of its own: PostgreSQL refuses to alter a table with pending trigger events, which
# 0006's inserts (foreign keys to the jobseeker) leave until its transaction ends.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0006_consent_records'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='jobseeker',
            name='research_consent',
        ),
    ]
